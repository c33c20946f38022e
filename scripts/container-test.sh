#!/usr/bin/env bash
# Builds the image from docker/Dockerfile with podman and checks it as an operator deploying it would. CI runs it
# (.ci/run). Each check is one function below; the last line is a PASS/FAIL summary, and any failure exits 1.
#
#   scripts/container-test.sh
#
# What it checks: the image holds a JRE and no build tools (its size is reported); the worker runs as a non-root
# user on a read-only root filesystem with only the data volume writable; readiness and the Dockerfile's
# HEALTHCHECK (podman healthcheck run) are healthy with a broker; a number pairs through the real whatsmeow against
# the stand-in WhatsApp server (src/test/go/fakewa, on this machine) from inside the container; the data directory
# is 0700 and its files 0600; SIGTERM stops the worker gracefully within its configured bound; a replacement
# container on the same volume reconnects the number with no QR (`connected`); and a worker with no broker is
# reported unhealthy.
#
# Bases: where no image registry is reachable, CONTAINER_BASES=made (the default) builds the Dockerfile's three
# stages on images made from Debian 13 packages (scripts/lib/containers.sh; kept for the next run); with
# CONTAINER_BASES=pulled the Dockerfile's own defaults are pulled, exactly as `docker build` does.
# Needs: root or sudo (podman, debootstrap), RabbitMQ on localhost with its management API (installed and started
# when missing), a JDK 21+ and Go on this machine for the stand-in and for reading the QR back.
# Environment: IMAGE (default localhost/whatsapp-worker:container-test), CONTAINER_BASES (made|pulled).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib/common.sh"
source "$here/lib/containers.sh"
cd "$WAW_ROOT"

IMAGE="${IMAGE:-localhost/whatsapp-worker:container-test}"
RUN="waw-ct-$$"                         # prefix of every container, volume and virtual host this run makes
VHOST="$RUN"                            # the broker's virtual host of this run: its queues are its own
VOLUME="$RUN-data"
WORK="$(mktemp -d /tmp/waw-container-test.XXXXXX)"
NUMBER_ID=6
PHONE=+221771234567
READY_WITHIN=120                        # seconds for a container to answer readiness
mapfile -t LIMITS < <(container_limits)

declare -a RESULTS=()
FAILED=0

pass() { RESULTS+=("PASS  $1"); say "PASS: $1"; }
fail() { RESULTS+=("FAIL  $1"); say "FAIL: $1"; FAILED=$((FAILED + 1)); }

# ---- helpers -----------------------------------------------------------------------------------------------------

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

management() {  # management METHOD PATH [BODY]: RabbitMQ's management API as guest
  curl -sS -f -u "${RABBITMQ_USER:-guest}:${RABBITMQ_PASSWORD:-guest}" -H 'content-type: application/json' \
    -X "$1" "${RABBITMQ_API:-http://localhost:15672}/api/$2" ${3:+-d "$3"} >/dev/null
}

# start_worker NAME PORT [ENV=VALUE...]: the image as an operator runs it: read-only root, /tmp in memory, the data
# volume, host network (the broker and the stand-in are on this machine).
start_worker() {
  local name="$1" port="$2"; shift 2
  local env=(-e "SERVER_PORT=$port" -e "WORKER_ID=$name" -e "SPRING_RABBITMQ_VIRTUAL_HOST=$VHOST")
  local setting
  for setting in "$@"; do env+=(-e "$setting"); done
  pm run -d --name "$name" --network host "${LIMITS[@]}" --read-only --read-only-tmpfs=false --tmpfs /tmp \
    -v "$VOLUME:/app/data" "${env[@]}" "$IMAGE" >/dev/null
}

readiness_status() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/actuator/health/readiness"; }

# await_readiness PORT STATUS: waits until readiness answers that HTTP status.
await_readiness() {
  local waited=0
  until [ "$(readiness_status "$1")" = "$2" ]; do
    [ "$waited" -ge "$READY_WITHIN" ] && return 1
    sleep 1; waited=$((waited + 1))
  done
  say "readiness answered $2 after ${waited}s"
}

events() { RABBITMQ_VHOST="$VHOST" QR_DIR="$WORK/qr" "$here/events.sh" >>"$WORK/events.jsonl"; }

# has_event ACTION: whether number $NUMBER_ID's events so far include that action.
has_event() {
  python3 - "$WORK/events.jsonl" "$1" "$NUMBER_ID" <<'PY'
import json, sys
path, action, number = sys.argv[1], sys.argv[2], int(sys.argv[3])
events = [json.loads(line) for line in open(path) if line.startswith("{")]
sys.exit(0 if any(e.get("action") == action and e.get("numberId") == number for e in events) else 1)
PY
}

# await_event ACTION SECONDS: takes events until number $NUMBER_ID has one of that action.
await_event() {
  local waited=0
  until events && has_event "$1"; do
    [ "$waited" -ge "$2" ] && return 1
    sleep 1; waited=$((waited + 1))
  done
}

cleanup() {
  local name
  for name in "$RUN-a" "$RUN-b" "$RUN-nobroker"; do pm rm -f "$name" >/dev/null 2>&1; done
  pm volume rm -f "$VOLUME" "$VOLUME-nobroker" >/dev/null 2>&1
  [ -n "${STAND_IN_PID:-}" ] && kill "$STAND_IN_PID" 2>/dev/null
  management DELETE "vhosts/$VHOST" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- the checks, in the order an operator meets them ---------------------------------------------------------------

build_image() {
  local args=() started=$SECONDS
  if [ "${CONTAINER_BASES:-made}" = made ]; then
    ensure_made_image "$WAW_GO_IMAGE" "$(waw_go_recipe)"
    ensure_made_image "$WAW_JDK_IMAGE" "$(waw_jdk_recipe)"
    ensure_made_image "$WAW_JRE_IMAGE" "$(waw_jre_recipe)"
    args=(--build-arg "GO_IMAGE=$WAW_GO_IMAGE" --build-arg "BUILD_IMAGE=$WAW_JDK_IMAGE"
          --build-arg "RUNTIME_IMAGE=$WAW_JRE_IMAGE")
  fi
  say "building $IMAGE from docker/Dockerfile (log: $WORK/build.log)"
  # --format docker: the OCI format has no HEALTHCHECK, podman would drop it.
  if pm build --format docker --network host "${LIMITS[@]}" -f docker/Dockerfile "${args[@]}" -t "$IMAGE" . \
      >"$WORK/build.log" 2>&1; then
    pass "image built from docker/Dockerfile ($((SECONDS - started)) s)"
  else
    tail -n 40 "$WORK/build.log" >&2
    fail "image built from docker/Dockerfile"
    return 1
  fi
}

check_image_contents() {
  local bytes tools
  bytes="$(pm image inspect --format '{{.Size}}' "$IMAGE")"
  tools="$(pm run --rm "${LIMITS[@]}" --entrypoint bash "$IMAGE" -c \
    'for tool in javac jshell jlink go gcc cc mvn; do command -v "$tool"; done; true')"
  if [ -z "$tools" ] && pm run --rm "${LIMITS[@]}" --entrypoint java "$IMAGE" -version >/dev/null 2>&1; then
    pass "a JRE and no build tools; image size $((bytes / 1000000)) MB"
  else
    fail "a JRE and no build tools (found: ${tools//$'\n'/ }); image size $((bytes / 1000000)) MB"
  fi
  [ "$(pm image inspect --format '{{.Config.Healthcheck}}' "$IMAGE")" != "<nil>" ] \
    && pass "the image carries the Dockerfile's HEALTHCHECK" \
    || fail "the image carries the Dockerfile's HEALTHCHECK"
}

start_stand_in() {
  "$here/fakewa.sh" --listen 127.0.0.1:0 >"$WORK/fakewa.out" 2>"$WORK/fakewa.err" &
  STAND_IN_PID=$!
  local waited=0
  until [ -s "$WORK/fakewa.out" ]; do
    [ "$waited" -ge 300 ] && { cat "$WORK/fakewa.err" >&2; return 1; }
    kill -0 "$STAND_IN_PID" 2>/dev/null || { cat "$WORK/fakewa.err" >&2; return 1; }
    sleep 1; waited=$((waited + 1))
  done
  STAND_IN="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["listen"])' <"$WORK/fakewa.out")"
  ROOT_KEY="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["rootKey"])' <"$WORK/fakewa.out")"
  say "stand-in WhatsApp server on $STAND_IN"
}

check_ready_and_healthy() {
  PORT_A="$(free_port)"
  start_worker "$RUN-a" "$PORT_A" "WHATSAPP_WHATSMEOW_TEST_SERVER=$STAND_IN" \
    "WHATSAPP_WHATSMEOW_TEST_SERVER_ROOT_KEY=$ROOT_KEY"
  if ! await_readiness "$PORT_A" 200; then
    pm logs "$RUN-a" 2>&1 | tail -n 40 >&2
    fail "ready (readiness 200) within $READY_WITHIN s"
    return 1
  fi
  pass "ready (readiness 200) with a broker"
  if pm healthcheck run "$RUN-a" >/dev/null 2>&1; then
    pass "HEALTHCHECK healthy with a broker"
  else
    fail "HEALTHCHECK healthy with a broker"
  fi
}

check_non_root() {
  local uid
  uid="$(pm exec "$RUN-a" id -u)"
  if [ -n "$uid" ] && [ "$uid" != 0 ]; then pass "runs as a non-root user (uid $uid)"; else fail "runs as a non-root user (uid '$uid')"; fi
}

check_read_only_root() {
  if pm exec "$RUN-a" bash -c 'touch /app/probe' 2>/dev/null; then
    fail "root filesystem read-only (/app was writable)"
  elif pm exec "$RUN-a" bash -c 'touch /app/data/probe && rm /app/data/probe'; then
    pass "root filesystem read-only, the data volume writable"
  else
    fail "the data volume writable"
  fi
}

check_pairing() {
  RABBITMQ_VHOST="$VHOST" "$here/command.sh" create "$NUMBER_ID" "$PHONE" >/dev/null || { fail "create sent"; return 1; }
  if ! await_event qr_generated 60; then fail "a pairing: no qr_generated within 60 s"; return 1; fi
  local png qr answer
  png="$(ls "$WORK/qr/qr-$NUMBER_ID-"*.png | tail -n 1)"
  # The jar the image holds reads its own QR back (scripts/qr-text.sh takes ZXing from it).
  pm run --rm "${LIMITS[@]}" --entrypoint cat "$IMAGE" /app/whatsapp-worker.jar >"$WORK/whatsapp-worker.jar"
  qr="$(WORKER_JAR="$WORK/whatsapp-worker.jar" "$here/qr-text.sh" "$png")" || { fail "a pairing: QR not readable"; return 1; }
  answer="$(curl -sS -X POST "http://$STAND_IN/control/scan" -H 'content-type: application/json' \
    -d "$(python3 -c 'import json, sys; print(json.dumps({"qr": sys.argv[1], "phoneNumber": sys.argv[2]}))' "$qr" "$PHONE")")"
  case "$answer" in *'"paired"'*) ;; *) fail "a pairing: the stand-in's scan answered $answer"; return 1 ;; esac
  if await_event connected 60; then
    pass "a pairing through the real whatsmeow against the stand-in (qr_generated, scan, connected)"
  else
    fail "a pairing: no connected within 60 s of the scan"
  fi
}

check_private_data_files() {
  local modes
  modes="$(pm exec "$RUN-a" find /app/data -printf '%m %p\n')"
  if printf '%s\n' "$modes" | awk 'NR == 1 && $1 != "700" { bad = 1 } NR > 1 && $1 != "600" { bad = 1 } END { exit bad }'; then
    pass "data directory 0700, every file in it 0600 ($(printf '%s\n' "$modes" | sed 1d | awk '{printf "%s ", $2}'))"
  else
    fail "data directory 0700, its files 0600: ${modes//$'\n'/, }"
  fi
}

check_graceful_stop() {
  local started elapsed code bound
  started=$(date +%s%N)
  pm stop --time 60 "$RUN-a" >/dev/null
  elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
  code="$(pm inspect --format '{{.State.ExitCode}}' "$RUN-a")"
  pm logs "$RUN-a" >"$WORK/worker-a.log" 2>&1
  # The bound the worker itself announced on SIGTERM (spring.lifecycle.timeout-per-shutdown-phase).
  bound="$(sed -n 's/.*finishing the commands in hand (at most PT\([0-9]*\)S).*/\1/p' "$WORK/worker-a.log" | tail -n 1)"
  if [ -n "$bound" ] && [ "$elapsed" -le $((bound * 1000)) ] && [ "$code" != 137 ] \
      && grep -q 'Stopped: every command settled and every event confirmed' "$WORK/worker-a.log"; then
    pass "SIGTERM: stopped gracefully in $elapsed ms (bound ${bound} s, exit code $code)"
  else
    fail "SIGTERM: graceful stop within the bound (took $elapsed ms, bound '${bound}' s, exit code $code)"
  fi
}

check_replacement_reconnects() {
  : >"$WORK/events.jsonl"
  local port
  port="$(free_port)"
  start_worker "$RUN-b" "$port" "WHATSAPP_WHATSMEOW_TEST_SERVER=$STAND_IN" \
    "WHATSAPP_WHATSMEOW_TEST_SERVER_ROOT_KEY=$ROOT_KEY"
  if await_event connected 120 && ! has_event qr_generated; then
    pass "a replacement container on the same volume reconnects the number with no QR (connected)"
  else
    pm logs "$RUN-b" 2>&1 | tail -n 30 >&2
    fail "a replacement container on the same volume reconnects the number with no QR"
  fi
  pm stop --time 60 "$RUN-b" >/dev/null
}

check_unhealthy_without_broker() {
  local port broker
  port="$(free_port)"; broker="$(free_port)"   # nothing listens on $broker
  pm run -d --name "$RUN-nobroker" --network host "${LIMITS[@]}" --read-only --read-only-tmpfs=false --tmpfs /tmp \
    -v "$VOLUME-nobroker:/app/data" -e "SERVER_PORT=$port" -e "SPRING_RABBITMQ_PORT=$broker" \
    -e WHATSAPP_CLIENT=simulated "$IMAGE" >/dev/null
  if ! await_readiness "$port" 503; then
    pm logs "$RUN-nobroker" 2>&1 | tail -n 30 >&2
    fail "without a broker: readiness 503 within $READY_WITHIN s"
  elif pm healthcheck run "$RUN-nobroker" >/dev/null 2>&1; then
    fail "HEALTHCHECK unhealthy without a broker (it said healthy)"
  else
    pass "without a broker: readiness 503 and HEALTHCHECK unhealthy"
  fi
  pm rm -f "$RUN-nobroker" >/dev/null
  pm volume rm -f "$VOLUME-nobroker" >/dev/null
}

# ---- run -------------------------------------------------------------------------------------------------------------

main() {
  local started=$SECONDS
  ensure_podman
  select_java
  ensure_rabbitmq
  management PUT "vhosts/$VHOST" '{}' && management PUT "permissions/$VHOST/${RABBITMQ_USER:-guest}" \
    '{"configure":".*","write":".*","read":".*"}' || die "could not make the virtual host $VHOST"
  if build_image; then
    check_image_contents
    if start_stand_in; then
      if check_ready_and_healthy; then
        check_non_root
        check_read_only_root
        check_pairing
        check_private_data_files
        check_graceful_stop
        check_replacement_reconnects
      fi
    else
      fail "the stand-in WhatsApp server started"
    fi
    check_unhealthy_without_broker
  fi
  printf '%s\n' "${RESULTS[@]}" >&2
  local total=${#RESULTS[@]}
  if [ "$FAILED" -eq 0 ]; then
    say "container test: PASS ($total checks, $((SECONDS - started)) s)"
  else
    say "container test: FAIL ($FAILED of $total checks failed, $((SECONDS - started)) s)"
    exit 1
  fi
}

main "$@"
