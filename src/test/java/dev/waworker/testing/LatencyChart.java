package dev.waworker.testing;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Draws the benchmarks' latency charts: for each series, the share of measurements at most x (a cumulative
 * distribution), x on a log scale in decades, so that p50 and p99 of several runs or anchors read off one picture.
 * Used by the scripts under scripts/bench/ (never by a test).
 */
public final class LatencyChart {

    /** One curve: its legend line and its latencies in nanoseconds (any order). */
    public record Series(String legend, long[] latenciesNanos) {
    }

    private static final Color[] COLOURS = {new Color(0, 110, 200), new Color(210, 60, 40),
            new Color(120, 120, 120), new Color(40, 150, 70), new Color(150, 80, 170), new Color(220, 150, 0)};
    private static final String[] DECADE_LABELS = {"1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms", "1 s",
            "10 s", "100 s"};

    private LatencyChart() {
    }

    /**
     * Writes the chart as a PNG.
     *
     * @param title what is measured (the chart's heading)
     * @param axis what one measurement is (the x axis' label), e.g. "create → first qr_generated confirmed"
     */
    public static void draw(Path file, String title, String axis, List<Series> series) throws IOException {
        int width = 900;
        int height = 560 + 22 * series.size();
        int left = 80;
        int right = 30;
        int top = 50;
        int bottom = 90 + 22 * series.size();
        long[][] sorted = series.stream().map(s -> {
            long[] copy = s.latenciesNanos().clone();
            Arrays.sort(copy);
            return copy;
        }).toArray(long[][]::new);
        // The decades that hold every series, from 1 µs (0) to 100 s (8).
        int minDecade = 8;
        int maxDecade = 1;
        for (long[] values : sorted) {
            if (values.length > 0) {
                minDecade = Math.min(minDecade, decadeOf(values[0]));
                maxDecade = Math.max(maxDecade, decadeOf(values[values.length - 1]) + 1);
            }
        }
        minDecade = Math.clamp(minDecade, 0, 7);
        maxDecade = Math.clamp(Math.max(maxDecade, minDecade + 1), 1, 8);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int plotWidth = width - left - right;
        int plotHeight = height - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(220, 220, 220));
        for (int decade = minDecade; decade <= maxDecade; decade++) {
            int x = left + (decade - minDecade) * plotWidth / (maxDecade - minDecade);
            g.drawLine(x, top, x, top + plotHeight);
        }
        for (int share = 0; share <= 100; share += 25) {
            int y = top + plotHeight - share * plotHeight / 100;
            g.drawLine(left, y, left + plotWidth, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, plotWidth, plotHeight);
        for (int decade = minDecade; decade <= maxDecade; decade++) {
            int x = left + (decade - minDecade) * plotWidth / (maxDecade - minDecade);
            g.drawString(DECADE_LABELS[decade], x - 18, top + plotHeight + 20);
        }
        for (int share = 0; share <= 100; share += 25) {
            int y = top + plotHeight - share * plotHeight / 100;
            g.drawString(share + " %", left - 45, y + 5);
        }
        g.drawString(axis + " (log scale)", left + plotWidth / 2 - 150, top + plotHeight + 42);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title + ": share at most x", left, 30);
        g.setStroke(new BasicStroke(2.2f));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        double minLog = minDecade;
        double maxLog = maxDecade;
        for (int k = 0; k < sorted.length; k++) {
            long[] values = sorted[k];
            if (values.length == 0) {
                continue;
            }
            g.setColor(COLOURS[k % COLOURS.length]);
            int previousX = -1;
            int previousY = -1;
            int points = 400;
            for (int i = 0; i <= points; i++) {
                double share = (double) i / points;
                long nanos = values[Math.min(values.length - 1, (int) (share * (values.length - 1)))];
                double log = Math.log10(Math.max(nanos, 1) / 1e3);
                int x = left + (int) ((Math.clamp(log, minLog, maxLog) - minLog) / (maxLog - minLog) * plotWidth);
                int y = top + plotHeight - (int) (share * plotHeight);
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                }
                previousX = x;
                previousY = y;
            }
        }
        int legendY = top + plotHeight + 60;
        for (int k = 0; k < series.size(); k++) {
            g.setColor(COLOURS[k % COLOURS.length]);
            g.fillRect(left, legendY + k * 22, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(series.get(k).legend(), left + 20, legendY + 12 + k * 22);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    /** The decade of a latency: 0 for [1 µs, 10 µs), 1 for [10 µs, 100 µs), … */
    private static int decadeOf(long nanos) {
        return (int) Math.floor(Math.log10(Math.max(nanos, 1000) / 1e3));
    }
}
