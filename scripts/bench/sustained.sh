#!/usr/bin/env bash
# Sustained validations (issue 12; not run in CI): the packaged worker in simulated mode on SQLite or PostgreSQL
# (a fresh file or database per run), N `create`s all at once or at a steady rate, after a 500-create warm-up. A
# validation counts when the backend received its first `qr_generated` (consumed, durable, QR rendered, event
# confirmed by the broker). Prints validations/s, latency percentiles, the worker's RSS, heap, threads and CPU for
# each run and the median run, and charts the runs' latencies (target/bench/sustained-<store>.png).
#   scripts/bench/sustained.sh [sqlite|postgresql] [validations=5000] [rate per second, 0 = all at once] [runs=3] \
#     [worker arguments, e.g. --worker.amqp.prefetch=500]
# Environment: WAW_JFR=file.jfr records the first run's worker with Java Flight Recorder (settings=profile);
# WAW_WORKER_JAR=path runs another build of the worker (an older commit's jar, for a before/after comparison).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
store="${1:-sqlite}"
prepare_to_build_and_run
[ "$store" = postgresql ] && ensure_postgresql
build_bench_harness
say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$BENCH_CLASSPATH" dev.waworker.bench.SustainedValidations "${WAW_WORKER_JAR:-target/whatsapp-worker.jar}" \
  "$store" "${2:-5000}" "${3:-0}" "${4:-3}" "target/bench/sustained-$store.png" "${WAW_JFR:-}" "${@:5}"
