#!/usr/bin/env bash
# Restart storm (issue 12; not run in CI): links N numbers (default 1000) to the packaged worker through the real
# whatsmeow against the stand-in WhatsApp server (src/test/go/fakewa), restarts the worker and reports the time until
# all are connected again, the most reconnects started in any second against whatsapp.reconnect.rate-per-second,
# and the worker idle before and after (RSS, heap, threads, CPU). Then the whatsmeow-alone floor at the same N:
# src/test/go/holddevices pairs and holds N devices against a fresh stand-in, no JVM, no bridge.
#   scripts/bench/restart-storm.sh [numbers=1000] [rate per second=50] [jitter=100ms]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
prepare_to_build_and_run
numbers="${1:-1000}"
./mvnw -B -q -DskipTests package test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
(cd src/test/go/fakewa && go build -buildvcs=false -o "$WAW_ROOT/target/fakewa/fakewa" .)          # the stand-in
(cd src/test/go/holddevices && go build -buildvcs=false -o "$WAW_ROOT/target/holddevices" .)     # the floor

say "the worker: $numbers linked numbers, then a restart"
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.waworker.bench.RestartStorm target/whatsapp-worker.jar "$numbers" "${2:-50}" "${3:-100ms}"

say "whatsmeow alone: $numbers devices paired and held against a fresh stand-in"
coproc FAKEWA { exec target/fakewa/fakewa --listen 127.0.0.1:0 2>/dev/null; }
read -r ready <&"${FAKEWA[0]}"
listen="$(sed -n 's/.*"listen":"\([^"]*\)".*/\1/p' <<<"$ready")"
root_key="$(sed -n 's/.*"rootKey":"\([^"]*\)".*/\1/p' <<<"$ready")"
trap 'kill "$FAKEWA_PID" 2>/dev/null || true' EXIT
target/holddevices -server "$listen" -root-key "$root_key" -n "$numbers"
