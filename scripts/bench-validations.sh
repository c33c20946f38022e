#!/usr/bin/env bash
# Measures the time from `create` to the first `qr_generated` for N validations sent at once (default 500), and
# the worker's resident memory after them. The worker runs as its own process in simulated mode.
#   scripts/bench-validations.sh [validations]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
prepare_to_build_and_run
./mvnw -B -q -DskipTests package test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.waworker.bench.ValidationBurst target/whatsapp-worker.jar "${1:-500}"
