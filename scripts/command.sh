#!/usr/bin/env bash
# Sends one command to the worker the way the backend does (default exchange, routing key = the command queue),
# through RabbitMQ's management HTTP API, so that no AMQP client is needed.
#   scripts/command.sh create 6 +221771234567 [workerId]
#   scripts/command.sh regenerate_qr|close|reconnect 6 +221771234567
#   PAIRING_METHOD=code scripts/command.sh create 6 +221771234567   # pair by typing a code instead of a QR
# Environment: RABBITMQ_API (default http://localhost:15672), RABBITMQ_USER/RABBITMQ_PASSWORD (guest/guest),
# COMMAND_QUEUE (default whatsapp.session.update).
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,8p' "$0"; exit 2; }
action="$1" number_id="$2" phone="$3" worker="${4:-}"
api="${RABBITMQ_API:-http://localhost:15672}"
queue="${COMMAND_QUEUE:-whatsapp.session.update}"
extra_fields=""
[ -n "$worker" ] && extra_fields=",\"workerId\":\"$worker\""
[ -n "${PAIRING_METHOD:-}" ] && extra_fields="$extra_fields,\"pairingMethod\":\"$PAIRING_METHOD\""
body="{\"action\":\"$action\",\"data\":{\"numberId\":$number_id,\"phoneNumber\":\"$phone\"$extra_fields},\"timestamp\":$(date +%s%3N)}"
request="{\"properties\":{\"content_type\":\"application/json\",\"delivery_mode\":2,\"message_id\":\"cli-$(date +%s%N)\"},\"routing_key\":\"$queue\",\"payload\":$(printf '%s' "$body" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'),\"payload_encoding\":\"string\"}"
answer="$(curl -sS -u "${RABBITMQ_USER:-guest}:${RABBITMQ_PASSWORD:-guest}" -H 'content-type: application/json' \
  -X POST "$api/api/exchanges/%2F/amq.default/publish" -d "$request")" \
  || { echo "the management API at $api does not answer: rabbitmq-plugins enable rabbitmq_management" >&2; exit 1; }
case "$answer" in
  *'"routed":true'*) echo "sent to $queue: $body" ;;
  *) echo "not routed (is the worker running? it declares $queue): $answer" >&2; exit 1 ;;
esac
