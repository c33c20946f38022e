#!/usr/bin/env bash
# Events lost across a broker outage, and the outbox's added latency: N live validations (default 500) on a
# RabbitMQ node of the harness's own, whose broker is stopped for S seconds (default 30). Must print 0 lost.
# The worker runs as its own process in simulated mode.
#   scripts/bench-outage.sh [validations] [outage seconds]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
run_bench_harness OutageLoad "${1:-500}" "${2:-30}"
