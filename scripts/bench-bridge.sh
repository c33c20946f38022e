#!/usr/bin/env bash
# Measures the native bridge: the cost of one call into libwabridge and back (JMH, JNA direct mapping against
# a JNA Library interface), then the resident memory of idle whatsmeow clients.
#   scripts/bench-bridge.sh [idle-clients=1000] [extra JMH arguments...]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$WAW_ROOT"
select_java
ensure_go
clients="${1:-1000}"
shift || true
./mvnw -B -q -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
classpath="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
java --enable-native-access=ALL-UNNAMED -cp "$classpath" org.openjdk.jmh.Main BridgeCallBenchmark "$@"
# A fixed, pre-touched Java heap keeps the JVM's own resident memory still, so the growth is the clients'.
java -Xms256m -Xmx256m -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED -cp "$classpath" \
  dev.waworker.whatsapp.whatsmeow.IdleClientFootprint "$clients"
