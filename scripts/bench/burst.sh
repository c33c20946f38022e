#!/usr/bin/env bash
# The burst (issue 12; not run in CI): N `create`s published at once to a fresh worker (simulated WhatsApp, the
# outbox on SQLite), per number the time from its publish to the first `qr_generated` the backend receives (the
# worker publishes it from its outbox, confirmed by the broker): p50/p90/p99/max, worker RSS, heap, threads, CPU,
# for each of R runs (a fresh worker each), then the median run (by p99). Draws target/bench/burst-latency.png.
#   scripts/bench/burst.sh [validations=500] [runs=3]
# Environment: BURST_JVM_OPTIONS (the worker's JVM, e.g. "-XX:StartFlightRecording=filename=/tmp/burst.jfr"),
# BURST_LABEL (the chart's name for this code), BURST_COMPARE + BURST_COMPARE_LABEL (an earlier run's
# target/bench/burst-latency.png.txt, drawn beside).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
run_bench_harness ValidationBurst "${1:-500}" "${2:-3}"
