#!/usr/bin/env bash
# QR render benchmark (issue 12; not part of CI): our renderer against the npm `qrcode` package's toDataURL over the
# same file of random pairing strings, in the same run, one render at a time on one CPU (the whole process tree is
# pinned with taskset, JIT and GC threads included). Prints renders/s, latency percentiles and data URL sizes (median
# of the runs), checks every image with ZXing and zbar and its mask against the penalty rule, and draws the latency
# distribution to target/bench/qr/qr-render-latency.png.
#   scripts/bench/qr-render.sh [runs (3)] [payloads (1000)] [seconds per measurement (8)]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
RUNS="${1:-3}"; PAYLOADS="${2:-1000}"; SECONDS_EACH="${3:-8}"
QRCODE_VERSION=1.5.4
OUT="$WAW_ROOT/target/bench/qr"

cd "$WAW_ROOT"
select_java
command -v node >/dev/null 2>&1 || die "Node.js is needed for the npm qrcode anchor: install nodejs and npm"
if ! command -v zbarimg >/dev/null 2>&1; then
  say "installing zbar-tools (zbarimg) to decode the images"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zbar-tools >/dev/null \
    || die "could not install zbar-tools"
fi
mkdir -p "$OUT/npm"
if [ ! -f "$OUT/npm/node_modules/qrcode/package.json" ] \
    || ! grep -q "\"version\": \"$QRCODE_VERSION\"" "$OUT/npm/node_modules/qrcode/package.json"; then
  say "installing npm qrcode@$QRCODE_VERSION under $OUT/npm"
  (cd "$OUT/npm" && { [ -f package.json ] || echo '{"private": true}' > package.json; } \
    && npm install --no-audit --no-fund --save-exact "qrcode@$QRCODE_VERSION" >/dev/null) || die "npm install qrcode failed"
fi
say "building the renderer and the benchmark (no native bridge needed)"
./mvnw -B -q -DskipTests -Dwabridge.skipBuild=true test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c "${QR_BENCH_CPU:-1}"); fi
say "measuring on $(nproc) cores ($(uptime | sed 's/.*load average/load average/')), pinned: ${PIN[*]:-no}"
"${PIN[@]}" java -Xms256m -Xmx256m -Djava.awt.headless=true \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.waworker.qr.QrRenderBenchmark "$OUT" "$OUT/npm/node_modules/qrcode" "$RUNS" "$PAYLOADS" "$SECONDS_EACH"
