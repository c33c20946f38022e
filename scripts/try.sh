#!/usr/bin/env bash
# Try the worker as a person: sends one command (as scripts/command.sh does), then follows the events until the
# number's validation ends (connected, error, disconnected) or TIMEOUT seconds pass. Each QR is written to a PNG file
# under QR_DIR and drawn in the terminal, to be scanned with WhatsApp on a phone (Linked devices -> Link a device).
#   scripts/try.sh create 6 +221771234567
#   PAIRING_METHOD=code scripts/try.sh create 9 +221770000009    # prints the code to type on the phone instead
# Environment: QR_DIR (default ./qr), TIMEOUT (default 180), and those of scripts/command.sh and scripts/events.sh.
# The QR is a credential for a few seconds: it is shown on this screen and kept in QR_DIR; nothing else logs it.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,8p' "$0"; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib/common.sh"
select_java >/dev/null 2>&1 || die "a JDK 21+ is needed to draw the QR codes"
number_id="$2"
qr_dir="${QR_DIR:-./qr}"
deadline=$(( $(date +%s) + ${TIMEOUT:-180} ))
"$here/command.sh" "$@"
while [ "$(date +%s)" -lt "$deadline" ]; do
  while IFS= read -r line; do
    printf '%s\n' "$line"
    # action, numberId and PNG path of the event, if it is one (events.sh prints other messages escaped).
    read -r action event_number png < <(printf '%s' "$line" | python3 -c '
import json, re, sys
try:
    event = json.loads(sys.stdin.read())
except ValueError:
    print("- - -"); sys.exit()
png = re.match(r"<PNG written to (.*)>$", str(event.get("qrCode", "")))
print(event.get("action", "-"), event.get("numberId", "-"), png.group(1) if png else "-")') || continue
    if [ "$png" != "-" ]; then
      java "$here/QrTerminal.java" "$png"
      say "QR $png: scan it with WhatsApp (Linked devices > Link a device) before it expires"
    fi
    if [ "$event_number" = "$number_id" ]; then
      case "$action" in
        connected|error|disconnected) say "number $number_id: $action"; exit 0 ;;
      esac
    fi
  done < <(QR_DIR="$qr_dir" "$here/events.sh")
  sleep 1
done
say "no end of the validation of number $number_id within ${TIMEOUT:-180} s"
exit 1
