#!/usr/bin/env bash
# Runs every test (unit, property-based, integration against a real RabbitMQ and PostgreSQL): the README's second
# command. Installs and starts what the tests need first. Extra arguments go to Maven (e.g. -Dit.test=EndToEndIT).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
prepare_to_build_and_run
ensure_postgresql
exec ./mvnw -B verify "$@"
