#!/usr/bin/env bash
# The whole test suite (./mvnw -B verify) on OpenJDK 21, the oldest Java the worker supports, for a machine that
# has no JDK 21 of its own: Debian 13's openjdk-21 in a container (podman, base image made by
# scripts/lib/containers.sh), against this machine's RabbitMQ and PostgreSQL (host network). CI's Java 21 leg
# (.ci/run) runs it. Extra arguments go to Maven, e.g. -Dit.test=EndToEndIT.
#
# The container builds a clean copy of the working tree (no target/, data/ or .git): nothing the host built is
# reused but this machine's Maven repository and Go caches (mounted; Go modules are read through a file proxy of
# the host's module cache, falling back to the Go module proxy). Reports go to target/java21-reports.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib/common.sh"
source "$here/lib/containers.sh"
cd "$WAW_ROOT"

select_java      # the host's Java trust store is copied into the image
ensure_go
ensure_rabbitmq
ensure_postgresql
ensure_made_image "$WAW_GO_IMAGE" "$(waw_go_recipe)"
ensure_made_image "$WAW_JAVA21_TEST_IMAGE" "$(waw_java21_test_recipe)"

reports="$WAW_ROOT/target/java21-reports"
rm -rf "$reports" && mkdir -p "$reports" "$HOME/.m2"
go_modules="$(go env GOMODCACHE)"; go_cache="$(go env GOCACHE)"
mkdir -p "$go_modules/cache/download" "$go_cache"
mapfile -t limits < <(container_limits)

say "running the test suite on Debian 13's OpenJDK 21 in a container (reports: ${reports#"$WAW_ROOT"/})"
started=$SECONDS
set +e
# --pids-limit -1: podman's default of 2048 processes and threads is too few for the integration tests, which
# run several workers (JVM and Go threads) at once ("unable to create native thread" otherwise). SYS_ADMIN: the
# full-disk test mounts a small tmpfs of its own, as it does on the host.
pm run --rm --network host "${limits[@]}" --pids-limit -1 --cap-add SYS_ADMIN \
  -v "$WAW_ROOT:/src:ro" -v "$HOME/.m2:/root/.m2" -v "$go_modules:/host-go-modules:ro" \
  -v "$go_cache:/root/.cache/go-build" -v "$reports:/reports" \
  -e GOPROXY="file:///host-go-modules/cache/download,https://proxy.golang.org,direct" \
  "$WAW_JAVA21_TEST_IMAGE" bash -c '
    set -uo pipefail
    mkdir -p /build && tar -C /src --exclude=./target --exclude=./data --exclude=./.git -c . | tar -C /build -x
    cd /build
    java -version 2>&1 | head -n 1
    ./mvnw -B verify "$@"
    status=$?
    cp -r target/surefire-reports target/failsafe-reports /reports/ 2>/dev/null
    exit $status' java21 "$@"
status=$?
set -e
say "Java 21 leg: exit $status after $((SECONDS - started)) s"
exit "$status"
