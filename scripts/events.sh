#!/usr/bin/env bash
# Takes the events waiting on whatsapp.worker.events, as the backend would (they are removed from the queue),
# and prints one line each; QR images are shortened to their size.
#   scripts/events.sh            # what is there now
#   scripts/events.sh --follow   # keep polling every second (Ctrl-C to stop)
# Environment: RABBITMQ_API, RABBITMQ_USER, RABBITMQ_PASSWORD, EVENTS_QUEUE (default whatsapp.worker.events).
set -euo pipefail
api="${RABBITMQ_API:-http://localhost:15672}"
queue="${EVENTS_QUEUE:-whatsapp.worker.events}"
fetch() {
  curl -sS -u "${RABBITMQ_USER:-guest}:${RABBITMQ_PASSWORD:-guest}" -H 'content-type: application/json' \
    -X POST "$api/api/queues/%2F/$queue/get" \
    -d '{"count":100,"ackmode":"ack_requeue_false","encoding":"auto"}' | python3 -c '
import json, sys
answer = json.load(sys.stdin)
if isinstance(answer, dict):
    sys.exit("management API: %s" % answer.get("reason", answer))
for message in answer:
    event = json.loads(message["payload"])
    if "qrCode" in event:
        event["qrCode"] = "<PNG data URL, %d chars>" % len(event["qrCode"])
    print(json.dumps(event))
'
}
if [ "${1:-}" = "--follow" ]; then
  while true; do fetch; sleep 1; done
else
  fetch
fi
