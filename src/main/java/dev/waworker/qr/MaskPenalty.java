package dev.waworker.qr;

/**
 * The penalty score of a masked symbol, ISO/IEC 18004:2015 §7.8.3, table 11; the encoder keeps the mask with the
 * lowest. Four features that make a symbol harder to read each add to it:
 * <ol>
 *   <li>runs of 5 or more modules of one colour in a row or column: 3 + (length - 5) each;</li>
 *   <li>2×2 blocks of one colour: 3 each (overlapping blocks all count);</li>
 *   <li>the finder-like sequence dark-light-dark-dark-dark-light-dark with 4 light modules before or after it, in a
 *       row or column: 40 each (the quiet zone counts as light);</li>
 *   <li>a dark proportion away from 50 %: 10 for each full 5 % of deviation.</li>
 * </ol>
 *
 * <p>It works on whole words of bit-packed lines ({@link ModuleLines}): a word shifted by k puts module j + k
 * under module j, so "5 dark in a row starting here" is the AND of 5 shifted words, and a bit count counts them
 * all at once. A run of length k ≥ 5 has k - 4 such starting points and exactly one first module, which gives its
 * 3 + (k - 5) = (k - 4) + 2.
 */
final class MaskPenalty {

    private static final int N2_BLOCK = 3;
    private static final int N3_FINDER_LIKE = 40;
    private static final int N4_BALANCE = 10;

    private MaskPenalty() {
    }

    /** The penalty of the symbol given both as rows and as columns (the same modules). */
    static int of(long[] rows, long[] columns, ModuleLines lines) {
        int stride = lines.stride;
        int penalty = 0;
        int dark = 0;
        for (int line = 0; line < lines.size; line++) {
            int start = line * stride;
            penalty += linePenalty(rows, start, lines) + linePenalty(columns, start, lines);
            if (line + 1 < lines.size) {
                penalty += N2_BLOCK * blocks(rows, start, start + stride, lines);
            }
            for (int w = 1; w <= lines.words; w++) {
                dark += Long.bitCount(rows[start + w]);
            }
        }
        int total = lines.size * lines.size;
        int fivePercentSteps = Math.abs(2 * dark - total) * 10 / total;
        return penalty + N4_BALANCE * fivePercentSteps;
    }

    /** Rules 1 and 3 over one line. */
    private static int linePenalty(long[] m, int start, ModuleLines lines) {
        long[] inside = lines.inside;
        long[] withQuietZone = lines.withQuietZone;
        int runs = 0;
        int finderLike = 0;
        for (int w = 1; w <= lines.words; w++) {
            long dp = m[start + w - 1];
            long d = m[start + w];
            long dn = m[start + w + 1];
            long lp = ~dp & inside[w - 1];
            long l = ~d & inside[w];
            long ln = ~dn & inside[w + 1];
            runs += runScore(dp, d, dn) + runScore(lp, l, ln);

            long pattern = d & ~right(d, dn, 1) & right(d, dn, 2) & right(d, dn, 3) & right(d, dn, 4)
                    & ~right(d, dn, 5) & right(d, dn, 6);
            if (pattern != 0) {
                long zp = ~dp & withQuietZone[w - 1];
                long z = ~d & withQuietZone[w];
                long zn = ~dn & withQuietZone[w + 1];
                long lightBefore = left(z, zp, 1) & left(z, zp, 2) & left(z, zp, 3) & left(z, zp, 4);
                long lightAfter = right(z, zn, 7) & right(z, zn, 8) & right(z, zn, 9) & right(z, zn, 10);
                finderLike += Long.bitCount(pattern & (lightBefore | lightAfter));
            }
        }
        return runs + N3_FINDER_LIKE * finderLike;
    }

    /** Rule 1 for one colour: {@code x} has a 1 for each module of that colour. */
    private static int runScore(long previous, long x, long next) {
        long fiveFromHere = x & right(x, next, 1) & right(x, next, 2) & right(x, next, 3) & right(x, next, 4);
        long firstOfRun = fiveFromHere & ~left(x, previous, 1);
        return Long.bitCount(fiveFromHere) + 2 * Long.bitCount(firstOfRun);
    }

    /** Rule 2: the 2×2 blocks of one colour whose top row is the line at {@code top}, the next at {@code bottom}. */
    private static int blocks(long[] rows, int top, int bottom, ModuleLines lines) {
        long[] inside = lines.inside;
        int count = 0;
        for (int w = 1; w <= lines.words; w++) {
            long bothDark = rows[top + w] & rows[bottom + w];
            long bothDarkNext = rows[top + w + 1] & rows[bottom + w + 1];
            long bothLight = ~(rows[top + w] | rows[bottom + w]) & inside[w];
            long bothLightNext = ~(rows[top + w + 1] | rows[bottom + w + 1]) & inside[w + 1];
            count += Long.bitCount(bothDark & right(bothDark, bothDarkNext, 1))
                    + Long.bitCount(bothLight & right(bothLight, bothLightNext, 1));
        }
        return count;
    }

    /** Bit j of the result is bit j + k of the line (k from 1 to 63): the module k further along. */
    private static long right(long word, long next, int k) {
        return word >>> k | next << 64 - k;
    }

    /** Bit j of the result is bit j - k of the line (k from 1 to 63): the module k before. */
    private static long left(long word, long previous, int k) {
        return word << k | previous >>> 64 - k;
    }
}
