#!/usr/bin/env bash
# Measures the time from `create` to the first `qr_generated` for N validations sent at once (default 500), and
# the worker's resident memory after them. The worker runs as its own process in simulated mode.
#   scripts/bench-validations.sh [validations]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
run_bench_harness ValidationBurst "${1:-500}"
