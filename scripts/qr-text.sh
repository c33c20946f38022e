#!/usr/bin/env bash
# Prints the text of the QR code in a PNG file (one that `QR_DIR=dir scripts/events.sh` wrote), as a phone's
# camera reads it: what the stand-in server's /control/scan wants. The text is a credential: keep it out of logs.
#   scripts/qr-text.sh /tmp/qr/qr-6-1.png
# Decodes with ZXing, taken from the worker's jar (build it first: scripts/start-worker.sh or ./mvnw package), or
# from the jar WORKER_JAR names.
set -euo pipefail
[ $# -eq 1 ] || { sed -n '2,5p' "$0"; exit 2; }
source "$(dirname "$0")/lib/common.sh"
select_java 2>/dev/null
jar="${WORKER_JAR:-$WAW_ROOT/target/whatsapp-worker.jar}"
[ -f "$jar" ] || die "$jar is missing: build it first (./mvnw -DskipTests package)"
zxing="$WAW_ROOT/target/qr-text/zxing-core.jar"
if [ ! -f "$zxing" ] || [ "$jar" -nt "$zxing" ]; then
  mkdir -p "$(dirname "$zxing")"
  # The listing first, whole: piped into `grep -m1`, unzip could be killed by SIGPIPE once grep has its line, and
  # with pipefail that failed the lookup now and then (a container test failed so).
  listing="$(unzip -Z1 "$jar")" || die "cannot list the entries of $jar"
  entry="$(grep -m1 '^BOOT-INF/lib/core-.*\.jar$' <<<"$listing")" || die "no ZXing core in $jar"
  unzip -p "$jar" "$entry" > "$zxing"
fi
exec java -cp "$zxing" "$WAW_ROOT/scripts/QrText.java" "$1"
