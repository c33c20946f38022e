#!/usr/bin/env bash
# Pairs numbers through the real whatsmeow against the stand-in WhatsApp server (src/test/go/fakewa): the time from
# a scan to the backend's `connected` over N pairings one after the other (default 100), then the worker's resident
# memory with M connected sessions (default 200). The worker runs as its own process, from the packaged jar.
#   scripts/bench-pairings.sh [pairings] [sessions]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
prepare_to_build_and_run
./mvnw -B -q -DskipTests package test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
(cd src/test/go/fakewa && go build -buildvcs=false -o "$WAW_ROOT/target/fakewa/fakewa" .)   # the stand-in server
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.waworker.bench.RealProtocolPairings target/whatsapp-worker.jar "${1:-100}" "${2:-200}"
