#!/usr/bin/env bash
# Sends one command to the worker the way the backend does (default exchange, routing key = the command queue),
# through RabbitMQ's management HTTP API, so that no AMQP client is needed.
#   scripts/command.sh create 6 +221771234567 [workerId]
#   scripts/command.sh regenerate_qr|close|reconnect 6 +221771234567
#   PAIRING_METHOD=code scripts/command.sh create 6 +221771234567   # pair by typing a code instead of a QR
#   scripts/command.sh status 6 [+221771234567]   # where number 6 stands (its live QR again while it pairs)
#   [REQUEST_ID=r1] scripts/command.sh status     # a resync: every number the workers know, then status_end
# Environment: RABBITMQ_API (default http://localhost:15672), RABBITMQ_USER/RABBITMQ_PASSWORD (guest/guest),
# RABBITMQ_VHOST (default /), COMMAND_QUEUE (default whatsapp.session.update).
# The JSON is built by a JSON library, never by pasting text, and checked before it leaves: a number id that is
# not an integer stops the script (exit 2). A command the worker will refuse (an unknown action, a malformed phone
# number) is still sent, on purpose, with a warning: that is how bad input is tried out.
set -euo pipefail
[ $# -ge 3 ] || { [ "${1:-}" = status ]; } || { sed -n '2,10p' "$0"; exit 2; }
api="${RABBITMQ_API:-http://localhost:15672}"
queue="${COMMAND_QUEUE:-whatsapp.session.update}"
vhost="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "${RABBITMQ_VHOST:-/}")"
request="$(python3 - "$queue" "$@" <<'PY'
import json, os, re, sys, time
queue, action = sys.argv[1:3]
number_id, phone, worker = (sys.argv[3:6] + ["", "", ""])[:3]
pairing = os.environ.get("PAIRING_METHOD", "")
data = {}
if number_id or action != "status":  # status without a number is a resync
    if not re.fullmatch(r"[0-9]+", number_id):
        sys.exit("command.sh: numberId must be a positive integer, was %r: nothing sent" % number_id)
    data["numberId"] = int(number_id)
if phone or action != "status":
    data["phoneNumber"] = phone
if worker:
    data["workerId"] = worker
if pairing:
    data["pairingMethod"] = pairing
if os.environ.get("REQUEST_ID"):
    data["requestId"] = os.environ["REQUEST_ID"]
body = json.dumps({"action": action, "data": data, "timestamp": int(time.time() * 1000)})
json.loads(body)  # what the worker will parse: it must read back
warnings = []
if action not in ("create", "validate", "regenerate_qr", "close", "reconnect", "status", "worker_status"):
    warnings.append("unknown action %r" % action)
if "numberId" in data and data["numberId"] < 1:
    warnings.append("numberId must be at least 1")
if "phoneNumber" in data and not re.fullmatch(r"\+?[0-9]{8,15}", phone):
    warnings.append("phoneNumber %r is not an optional + and 8 to 15 digits" % phone)
if pairing not in ("", "qr", "code"):
    warnings.append("pairingMethod %r is neither qr nor code" % pairing)
for warning in warnings:
    print("command.sh: WARNING: %s: the worker will dead-letter this command" % warning, file=sys.stderr)
print(json.dumps({"properties": {"content_type": "application/json", "delivery_mode": 2,
                                 "message_id": "cli-%d" % time.time_ns()},
                  "routing_key": queue, "payload": body, "payload_encoding": "string"}))
PY
)" || exit 2
body="$(printf '%s' "$request" | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload"])')"
answer="$(curl -sS -u "${RABBITMQ_USER:-guest}:${RABBITMQ_PASSWORD:-guest}" -H 'content-type: application/json' \
  -X POST "$api/api/exchanges/$vhost/amq.default/publish" -d "$request")" \
  || { echo "command.sh: RabbitMQ's management API does not answer at $api. Enable it where the broker runs:" \
       "sudo rabbitmq-plugins enable rabbitmq_management (scripts/start-worker.sh does it for a local broker)," \
       "or set RABBITMQ_API" >&2; exit 1; }
case "$answer" in
  *'"routed":true'*) echo "sent to $queue: $body" ;;
  *) echo "not routed (is the worker running? it declares $queue): $answer" >&2; exit 1 ;;
esac
