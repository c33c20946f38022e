#!/usr/bin/env bash
# Measures the time from `create` to the first `qr_generated` for N validations sent at once (default 500) to a
# fresh worker, with its resident memory, heap, threads and CPU: scripts/bench/burst.sh with one run (that script
# takes the median of several).
#   scripts/bench-validations.sh [validations]
set -euo pipefail
exec "$(dirname "$0")/bench/burst.sh" "${1:-500}" 1
