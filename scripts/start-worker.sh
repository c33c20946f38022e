#!/usr/bin/env bash
# Builds and starts the worker: the README's first command. Installs and starts RabbitMQ where missing.
# Arguments go to the worker, e.g. --whatsapp.client=simulated or --server.port=9090.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
prepare_to_build_and_run
say "building target/whatsapp-worker.jar"
./mvnw -B -q -DskipTests package
say "starting the worker (Ctrl-C stops it gracefully)"
exec java -jar target/whatsapp-worker.jar "$@"
