package dev.waworker.qr;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import dev.waworker.testing.LatencyChart;
import dev.waworker.testing.QrPng;

/**
 * The QR render benchmark behind scripts/bench/qr-render.sh (not a test: run by that script). Over one file of
 * random pairing strings it measures, in the same run and one render at a time: our renderer, the npm {@code qrcode}
 * package's {@code toDataURL} (a Node process, scripts/bench/qr-render-npm.js) and, for reference, ZXing's writer
 * with ImageIO (what the worker used before). Then it checks every payload's image: decoded by ZXing and by zbar to
 * the same text, and its mask the one of lowest penalty among ZXing's 8 masked symbols scored by
 * {@link ReferencePenalty}. It prints the median of the runs and draws the latency distribution of the median run.
 *
 * <p>Arguments: output directory, npm {@code qrcode} module directory, runs, payloads, seconds of measurement.
 */
public final class QrRenderBenchmark {

    private static final int WARM_UP_SECONDS = 3;

    record Measure(String name, long renders, double seconds, long[] latenciesNanos, double meanDataUrlLength) {
        double perSecond() {
            return renders / seconds;
        }

        long percentileNanos(double p) {
            return latenciesNanos[Math.min(latenciesNanos.length - 1, (int) Math.ceil(p / 100 * latenciesNanos.length) - 1)];
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Path npmModule = Path.of(args[1]).toAbsolutePath();
        int runs = Integer.parseInt(args[2]);
        int payloadCount = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        Files.createDirectories(out);

        SplittableRandom random = new SplittableRandom(2026);
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < payloadCount; i++) {
            payloads.add(PairingStrings.plain(random));
        }
        Path payloadFile = out.resolve("payloads.txt");
        Files.writeString(payloadFile, String.join("\n", payloads) + "\n");
        double meanPayload = payloads.stream().mapToInt(String::length).average().orElseThrow();
        System.out.printf(Locale.ROOT, "%d payloads, mean %.1f chars, version %d at level M; %d runs of %d s each%n",
                payloads.size(), meanPayload, QrEncoder.encode(payloads.get(0)).version(), runs, seconds);

        QrCodeRenderer ours = new QrCodeRenderer();
        List<Measure[]> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Measure npm = npm(npmModule, payloadFile, out.resolve("npm-latencies.txt"), seconds,
                    run == 1 ? -1 : results.get(0)[1].meanDataUrlLength());
            Measure ourMeasure = measure("ours", ours::toPngDataUrl, payloads, seconds);
            Measure zxing = measure("ZXing+ImageIO", QrRenderBenchmark::zxingDataUrl, payloads, Math.max(2, seconds / 2));
            results.add(new Measure[] {ourMeasure, npm, zxing});
            System.out.printf(Locale.ROOT, "run %d: ours %.0f/s, npm qrcode %.0f/s (%.1fx), ZXing+ImageIO %.0f/s%n", run,
                    ourMeasure.perSecond(), npm.perSecond(), ourMeasure.perSecond() / npm.perSecond(), zxing.perSecond());
        }
        results.sort(Comparator.comparingDouble(r -> r[0].perSecond() / r[1].perSecond()));
        Measure[] median = results.get(results.size() / 2);

        String checks = check(payloads, ours, out.resolve("images"));
        String table = table(results, median, checks);
        System.out.println();
        System.out.println(table);
        Files.writeString(out.resolve("summary.md"), table);
        Path chart = out.resolve("qr-render-latency.png");
        chart(median, chart);
        System.out.println("latency chart: " + chart);
    }

    private static Measure measure(String name, Function<String, String> render, List<String> payloads, int seconds) {
        long sum = 0;
        for (String payload : payloads) {
            sum += render.apply(payload).length();
        }
        double meanLength = (double) sum / payloads.size();
        long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
        int i = 0;
        long sink = 0;
        while (System.nanoTime() < warmUpEnd) {
            sink += render.apply(payloads.get(i++ % payloads.size())).length();
        }
        long[] latencies = new long[1 << 16];
        int count = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long now = start;
        while (now < end) {
            long before = now;
            sink += render.apply(payloads.get(i++ % payloads.size())).length();
            now = System.nanoTime();
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = now - before;
        }
        if (sink == 42) {
            System.out.print(""); // keeps the rendered lengths alive, so that no render is optimised away
        }
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        return new Measure(name, count, (now - start) / 1e9, sorted, meanLength);
    }

    /** The npm anchor; its mean data URL length is measured when {@code knownMeanLength} is negative. */
    private static Measure npm(Path module, Path payloads, Path latencyFile, int seconds, double knownMeanLength)
            throws Exception {
        Process node = new ProcessBuilder("node", "scripts/bench/qr-render-npm.js", module.toString(), payloads.toString(),
                String.valueOf(WARM_UP_SECONDS), String.valueOf(seconds), latencyFile.toString(),
                knownMeanLength < 0 ? "sizes" : "")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String json = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (node.waitFor() != 0) {
            throw new IllegalStateException("the npm qrcode anchor failed: " + json);
        }
        long[] latencies = Files.readAllLines(latencyFile).stream().filter(l -> !l.isBlank())
                .mapToLong(Long::parseLong).sorted().toArray();
        return new Measure("npm qrcode", number(json, "renders").longValue(), number(json, "seconds").doubleValue(),
                latencies, knownMeanLength < 0 ? number(json, "meanDataUrlLength").doubleValue() : knownMeanLength);
    }

    private static Number number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":([0-9.eE+-]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * The worker's renderer before this one, for reference: ZXing's writer at one pixel per module, scaled to 6
     * pixels per module into a 1-bit image, written by ImageIO.
     */
    private static String zxingDataUrl(String text) {
        try {
            BitMatrix modules = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
            int scale = 6;
            int side = modules.getWidth() * scale;
            BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_BINARY);
            byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            int stride = (side + 7) / 8;
            byte[] row = new byte[stride];
            for (int y = 0; y < modules.getHeight(); y++) {
                Arrays.fill(row, (byte) 0);
                for (int x = 0; x < side; x++) {
                    if (!modules.get(x / scale, y)) {
                        row[x >> 3] |= (byte) (0x80 >>> (x & 7));
                    }
                }
                for (int dy = 0; dy < scale; dy++) {
                    System.arraycopy(row, 0, pixels, (y * scale + dy) * stride, stride);
                }
            }
            ByteArrayOutputStream png = new ByteArrayOutputStream(4096);
            ImageIO.write(image, "png", png);
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (WriterException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every payload's image decoded by ZXing and zbar, and its mask checked against the reference penalty. */
    private static String check(List<String> payloads, QrCodeRenderer ours, Path images) throws Exception {
        Files.createDirectories(images);
        int zxingOk = 0;
        int maskOk = 0;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            String payload = payloads.get(i);
            byte[] png = ours.toPng(payload);
            Path file = images.resolve(String.format(Locale.ROOT, "qr-%05d.png", i));
            Files.write(file, png);
            files.add(file.toString());
            zxingOk += payload.equals(QrPng.decode(png)) ? 1 : 0;
            QrSymbol symbol = QrEncoder.encode(payload);
            maskOk += symbol.mask() == ZxingMaskOracle.lowestPenalty(payload, symbol.version()).mask() ? 1 : 0;
        }
        // QR codes only: zbar's 1D decoders now and then see a Codabar symbol in a QR's modules.
        List<String> command = new ArrayList<>(List.of("zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable"));
        command.addAll(files);
        // zbarimg also complains on stderr about a missing D-Bus on headless machines: kept in a file, not shown.
        Process zbar = new ProcessBuilder(command)
                .redirectError(images.resolve("zbarimg-stderr.txt").toFile()).start();
        List<String> decoded = new String(zbar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        int zbarExit = zbar.waitFor();
        int zbarOk = 0;
        for (int i = 0; i < Math.min(decoded.size(), payloads.size()); i++) {
            zbarOk += decoded.get(i).equals(payloads.get(i)) ? 1 : 0;
        }
        return String.format(Locale.ROOT, "ZXing decoded %d/%d, zbar (zbarimg, exit %d) decoded %d/%d, "
                + "mask = lowest reference penalty of ZXing's 8 masked symbols: %d/%d",
                zxingOk, payloads.size(), zbarExit, zbarOk, payloads.size(), maskOk, payloads.size());
    }

    private static String table(List<Measure[]> results, Measure[] median, String checks) {
        StringBuilder t = new StringBuilder();
        t.append("| renderer | renders/s, one core (median of ").append(results.size()).append(" runs; all runs) | ")
                .append("p50 µs | p99 µs | p99.9 µs | mean data URL (chars = bytes) |\n|---|---|---|---|---|---|\n");
        for (int k = 0; k < median.length; k++) {
            Measure m = median[k];
            int index = k;
            String all = String.join(", ", results.stream()
                    .map(r -> String.format(Locale.ROOT, "%.0f", r[index].perSecond())).toList());
            t.append(String.format(Locale.ROOT, "| %s | **%.0f** (%s) | %.0f | %.0f | %.0f | %.0f |%n", m.name(),
                    m.perSecond(), all, m.percentileNanos(50) / 1e3, m.percentileNanos(99) / 1e3,
                    m.percentileNanos(99.9) / 1e3, m.meanDataUrlLength()));
        }
        Measure ours = median[0];
        Measure npm = median[1];
        String ratios = String.join(", ", results.stream()
                .map(r -> String.format(Locale.ROOT, "%.1f×", r[0].perSecond() / r[1].perSecond())).toList());
        t.append(String.format(Locale.ROOT, "%nours / npm qrcode: **%.1f×** the renders per second (runs: %s); "
                        + "data URL **%.3f** of its size (%.0f / %.0f chars)%n%n%s%n",
                ours.perSecond() / npm.perSecond(), ratios, ours.meanDataUrlLength() / npm.meanDataUrlLength(),
                ours.meanDataUrlLength(), npm.meanDataUrlLength(), checks));
        return t.toString();
    }

    /** The latency distribution (share of renders at most x, x on a log scale) of each renderer in one run. */
    private static void chart(Measure[] run, Path file) throws IOException {
        List<LatencyChart.Series> series = Arrays.stream(run).map(m -> new LatencyChart.Series(
                String.format(Locale.ROOT, "%s: %.0f renders/s, p50 %.0f µs, p99 %.0f µs", m.name(), m.perSecond(),
                        m.percentileNanos(50) / 1e3, m.percentileNanos(99) / 1e3), m.latenciesNanos())).toList();
        LatencyChart.draw(file, "QR render latency, one core, one render at a time", "latency of one render", series);
    }
}
