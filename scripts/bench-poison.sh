#!/usr/bin/env bash
# Measures how the worker survives hostile input: one huge command (default 100 MB), then a stream of malformed
# ones (default 10,000), then a valid create: the time until that create is served, and the worker's RSS. The
# worker runs as its own process in simulated mode; JVM options for it follow the counts.
#   scripts/bench-poison.sh [malformed=10000] [huge-MB=100] [worker JVM options, e.g. -Xmx384m]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
run_bench_harness PoisonBurst "${1:-10000}" "${2:-100}" "${@:3}"
