#!/usr/bin/env bash
# Takes the events waiting on whatsapp.worker.events, as the backend would (they are removed from the queue),
# and prints one line each; QR images are shortened to their size. A message that is not a JSON object is printed
# as it came, control characters escaped, and the rest are still shown.
#   scripts/events.sh            # what is there now
#   scripts/events.sh --follow   # keep polling every second (Ctrl-C to stop)
#   QR_DIR=/tmp/qr scripts/events.sh   # also writes each QR image to /tmp/qr/qr-<numberId>-<qrIndex>.png
# Environment: RABBITMQ_API, RABBITMQ_USER, RABBITMQ_PASSWORD, RABBITMQ_VHOST (default /), EVENTS_QUEUE (default
# whatsapp.worker.events), QR_DIR.
set -euo pipefail
api="${RABBITMQ_API:-http://localhost:15672}"
queue="${EVENTS_QUEUE:-whatsapp.worker.events}"
vhost="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "${RABBITMQ_VHOST:-/}")"
fetch() {
  local answer status
  # The HTTP status comes last, on a line of its own: a failure is explained here, never left to the JSON reader.
  if ! answer="$(curl -sS -w '\n%{http_code}' -u "${RABBITMQ_USER:-guest}:${RABBITMQ_PASSWORD:-guest}" \
      -H 'content-type: application/json' -X POST "$api/api/queues/$vhost/$queue/get" \
      -d '{"count":100,"ackmode":"ack_requeue_false","encoding":"auto"}' 2>/dev/null)"; then
    echo "events.sh: RabbitMQ's management API does not answer at $api. Enable it where the broker runs:" \
      "sudo rabbitmq-plugins enable rabbitmq_management (scripts/start-worker.sh does it for a local broker)," \
      "or set RABBITMQ_API" >&2
    exit 1
  fi
  status="${answer##*$'\n'}"; answer="${answer%$'\n'*}"
  case "$status" in
    200) ;;
    401) echo "events.sh: the management API refused user ${RABBITMQ_USER:-guest} (HTTP 401): set RABBITMQ_USER and RABBITMQ_PASSWORD" >&2; exit 1 ;;
    404) echo "events.sh: no queue $queue in virtual host ${RABBITMQ_VHOST:-/} (HTTP 404): start the worker once, it declares it" >&2; exit 1 ;;
    *) echo "events.sh: the management API at $api answered HTTP $status: ${answer:0:200}" >&2; exit 1 ;;
  esac
  printf '%s' "$answer" | QR_DIR="${QR_DIR:-}" python3 -c '
import base64, json, os, sys
qr_dir = os.environ["QR_DIR"]
answer = json.load(sys.stdin)
if isinstance(answer, dict):
    sys.exit("management API: %s" % answer.get("reason", answer))
def escaped(text):
    # A message that is not an event is shown as it is, but with its control characters escaped: it may hold
    # anything, and must not drive the terminal.
    return json.dumps(text)[1:-1]

for message in answer:
    payload = message["payload"]
    if message.get("payload_encoding") == "base64":
        payload = base64.b64decode(payload).decode("utf-8", errors="backslashreplace")
    try:
        event = json.loads(payload)
        if not isinstance(event, dict):
            raise ValueError("not an object")
    except ValueError:
        print("not an event (JSON object): %s" % escaped(payload))
        continue
    if "qrCode" in event and qr_dir:
        os.makedirs(qr_dir, exist_ok=True)
        path = os.path.join(qr_dir, "qr-%s-%s.png" % (event.get("numberId"), event.get("qrIndex")))
        with open(path, "wb") as png:
            png.write(base64.b64decode(event["qrCode"].split(",", 1)[1]))
        event["qrCode"] = "<PNG written to %s>" % path
    elif "qrCode" in event:
        event["qrCode"] = "<PNG data URL, %d chars>" % len(event["qrCode"])
    print(json.dumps(event))
'
}
if [ "${1:-}" = "--follow" ]; then
  while true; do fetch; sleep 1; done
else
  fetch
fi
