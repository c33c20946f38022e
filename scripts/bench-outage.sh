#!/usr/bin/env bash
# Events lost across a broker outage, and the outbox's added latency: N live validations (default 500) on a
# RabbitMQ node of the harness's own, whose broker is stopped for S seconds (default 30). Must print 0 lost.
# The worker runs as its own process in simulated mode.
#   scripts/bench-outage.sh [validations] [outage seconds]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
prepare_to_build_and_run
./mvnw -B -q -DskipTests package test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.waworker.bench.OutageLoad target/whatsapp-worker.jar "${1:-500}" "${2:-30}"
