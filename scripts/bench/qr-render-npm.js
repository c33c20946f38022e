// The anchor of scripts/bench/qr-render.sh: the npm `qrcode` package's toDataURL over the same payloads as ours.
//   node qr-render-npm.js <qrcode module dir> <payload file> <warm-up s> <measure s> <latency file> [sizes]
// Renders one at a time (each awaited before the next) cycling through the payloads: warm-up, then measurement.
// Prints one JSON line: renders, seconds and, with "sizes", the mean data URL length over all payloads (the same
// every run: the first run asks for it). Writes each measured render's latency in nanoseconds to the latency file.
'use strict';
const fs = require('fs');
const [moduleDir, payloadFile, warmUpSeconds, measureSeconds, latencyFile, sizes] = process.argv.slice(2);
const QRCode = require(moduleDir);
const payloads = fs.readFileSync(payloadFile, 'utf8').split('\n').filter((line) => line.length > 0);
// The same choices as ours where the package has them: level M, quiet zone 4, its default 4 pixels per module.
const options = { errorCorrectionLevel: 'M', margin: 4, scale: 4 };

async function main() {
  let totalLength = 0;
  for (const payload of sizes === 'sizes' ? payloads : []) {
    totalLength += (await QRCode.toDataURL(payload, options)).length;
  }
  const warmUpEnd = process.hrtime.bigint() + BigInt(Math.round(Number(warmUpSeconds) * 1e9));
  let i = 0;
  while (process.hrtime.bigint() < warmUpEnd) {
    await QRCode.toDataURL(payloads[i++ % payloads.length], options);
  }
  const latencies = [];
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(Number(measureSeconds) * 1e9));
  let now = start;
  while (now < end) {
    const before = now;
    await QRCode.toDataURL(payloads[i++ % payloads.length], options);
    now = process.hrtime.bigint();
    latencies.push(now - before);
  }
  fs.writeFileSync(latencyFile, latencies.join('\n') + '\n');
  console.log(JSON.stringify({
    renders: latencies.length,
    seconds: Number(now - start) / 1e9,
    meanDataUrlLength: sizes === 'sizes' ? totalLength / payloads.length : -1,
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
