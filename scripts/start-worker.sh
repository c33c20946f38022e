#!/usr/bin/env bash
# Builds and starts the worker: the README's first command. Installs and starts RabbitMQ where missing.
# Arguments go to the worker, e.g. --whatsapp.client=simulated or --server.port=9090. The JVM runs with the worker's
# options (src/main/jvm/jvm.options); JAVA_OPTS adds to them or overrides them, e.g. JAVA_OPTS=-Xmx512m.
# The jar is rebuilt only when a source, the POM or the Maven wrapper changed since it was built (REBUILD=1 forces it).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
prepare_to_build_and_run
jar=target/whatsapp-worker.jar
if [ "${REBUILD:-0}" = 1 ] || [ ! -f "$jar" ] \
   || [ -n "$(find src pom.xml mvnw .mvn -newer "$jar" -print -quit)" ]; then
  say "building $jar"
  ./mvnw -B -q -DskipTests package
else
  say "$jar is up to date with the sources: not rebuilding it (REBUILD=1 forces it)"
fi
say "starting the worker (Ctrl-C stops it gracefully)"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" # fewer C allocator arenas: less resident memory (jvm.options)
# shellcheck disable=SC2086 # JAVA_OPTS holds several options
exec java @src/main/jvm/jvm.options ${JAVA_OPTS:-} -jar "$jar" "$@"
