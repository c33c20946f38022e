#!/usr/bin/env bash
# Measures failover: three workers (simulated WhatsApp) on RabbitMQ and PostgreSQL; the owner of a linked number is
# killed with SIGKILL and the time until another worker publishes `connected` for it is taken, N times (default
# 20); prints p50 and p99. The lease time (seconds, default 15, the worker's default) is the second argument.
#   scripts/bench-failover.sh [kills] [lease-time-seconds]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
prepare_to_build_and_run
ensure_postgresql
./mvnw -B -q -DskipTests package test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.waworker.amqp.FailoverBench "${1:-20}" "${2:-15}"
