#!/usr/bin/env bash
# Restart storm (issue 12; not run in CI): measures the packaged worker with no session (its fixed part), links N
# numbers (default 1000) to it through the real whatsmeow against the stand-in WhatsApp server (src/test/go/fakewa),
# restarts the worker and reports the time until all are connected again, the most reconnects started in any second
# against whatsapp.reconnect.rate-per-second, and the worker idle before and after (RSS, heap, threads, CPU). Then
# the whatsmeow-alone floor at the same N and the same pairings at once: src/test/go/holddevices pairs and holds N
# devices against a fresh stand-in, no JVM, no bridge.
#   scripts/bench/restart-storm.sh [numbers=1000] [rate per second=50] [jitter=100ms] [pairings at once=10]
# The worker runs as scripts/start-worker.sh starts it: the worker's JVM options (src/main/jvm/jvm.options) and
# MALLOC_ARENA_MAX=2; WORKER_JVM_OPTIONS replaces the options (e.g. to add -XX:NativeMemoryTracking=summary).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
prepare_to_build_and_run
numbers="${1:-1000}"
at_once="${4:-10}"
./mvnw -B -q -DskipTests package test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
(cd src/test/go/fakewa && go build -buildvcs=false -o "$WAW_ROOT/target/fakewa/fakewa" .)          # the stand-in
(cd src/test/go/holddevices && go build -buildvcs=false -o "$WAW_ROOT/target/holddevices" .)     # the floor

say "the worker: $numbers linked numbers, then a restart (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" WORKER_JVM_OPTIONS="${WORKER_JVM_OPTIONS-@src/main/jvm/jvm.options}" \
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.waworker.bench.RestartStorm target/whatsapp-worker.jar "$numbers" "${2:-50}" "${3:-100ms}" "$at_once"

say "whatsmeow alone: $numbers devices paired and held against a fresh stand-in (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
coproc FAKEWA { exec target/fakewa/fakewa --listen 127.0.0.1:0 2>/dev/null; }
read -r ready <&"${FAKEWA[0]}"
listen="$(sed -n 's/.*"listen":"\([^"]*\)".*/\1/p' <<<"$ready")"
root_key="$(sed -n 's/.*"rootKey":"\([^"]*\)".*/\1/p' <<<"$ready")"
trap 'kill "$FAKEWA_PID" 2>/dev/null || true' EXIT
target/holddevices -server "$listen" -root-key "$root_key" -n "$numbers" -parallel "$at_once"
