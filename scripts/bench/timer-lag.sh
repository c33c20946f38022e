#!/usr/bin/env bash
# Timer lag (issue 12; not run in CI): N validations live at once on the packaged worker (simulated WhatsApp), every
# QR left to expire; for each `qr_regenerating`, the lag from the replaced QR's `expiresAt` to the event's timestamp
# and to its receipt; p50/p99/max, RSS, heap, JVM and OS threads, CPU; the median of the runs, then one run at 100
# live validations to compare the thread counts. Chart: target/bench/timer-lag/timer-lag.png.
# With TIMER_LAG_JFR=<dir>, each worker records a JFR profile (settings=profile) into <dir>; TIMER_LAG_FEW=0 skips
# the thread comparison run (TIMER_LAG_FEW=n: at n live validations instead of 100).
#   scripts/bench/timer-lag.sh [live validations=5000] [runs=3]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
prepare_to_build_and_run
build_bench_harness
say "measuring on $(nproc) cores ($(uptime | sed 's/.*load average/load average/'))"
exec java ${TIMER_LAG_JFR:+-DtimerLag.jfrDir="$TIMER_LAG_JFR"} ${TIMER_LAG_FEW:+-DtimerLag.few="$TIMER_LAG_FEW"} -cp "$BENCH_CLASSPATH" dev.waworker.bench.TimerLag \
  target/whatsapp-worker.jar "${1:-5000}" "${2:-3}" target/bench/timer-lag
