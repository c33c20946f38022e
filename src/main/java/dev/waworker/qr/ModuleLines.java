package dev.waworker.qr;

/**
 * The bit-packed form of a square of modules: one line (a row, or a column) after the other in a {@code long[]},
 * one bit per module, 1 = dark. A line starts with the 4 light modules of the quiet zone, then the symbol's
 * modules, then 4 more light modules: bit {@code p} of a line is module {@code p - 4}. Each line takes
 * {@link #stride} words: a zero word, the line's words, a zero word, so that shifting a word by a few positions can
 * always read its neighbours without a bounds check.
 *
 * <p>64 modules per word let the mask penalty (§7.8.3) look at a whole stretch of a line with a handful of shifts
 * and a bit count, instead of one module at a time: that is what makes scoring all 8 masks cheap.
 */
final class ModuleLines {

    static final int QUIET_ZONE = 4;

    /** Modules per line inside the quiet zone. */
    final int size;
    /** Words of one line holding modules (the guard words excluded). */
    final int words;
    final int stride;
    /** Per word of a line: the bits of the symbol's modules (quiet zone excluded). */
    final long[] inside;
    /** Per word of a line: the bits of the symbol and its quiet zone. */
    final long[] withQuietZone;

    ModuleLines(int size) {
        this.size = size;
        this.words = (size + 2 * QUIET_ZONE + 63) / 64;
        this.stride = words + 2;
        this.inside = new long[stride];
        this.withQuietZone = new long[stride];
        for (int p = 0; p < size + 2 * QUIET_ZONE; p++) {
            withQuietZone[wordOf(p)] |= bitOf(p);
            if (p >= QUIET_ZONE && p < QUIET_ZONE + size) {
                inside[wordOf(p)] |= bitOf(p);
            }
        }
    }

    long[] newMatrix() {
        return new long[size * stride];
    }

    /** Sets (row, column) dark in both forms of a square: its rows and its columns. */
    void set(long[] rows, long[] columns, int row, int column) {
        int p = column + QUIET_ZONE;
        rows[row * stride + wordOf(p)] |= bitOf(p);
        int q = row + QUIET_ZONE;
        columns[column * stride + wordOf(q)] |= bitOf(q);
    }

    /** Where (line, module) is in a square: {@code word << 6 | bit} (see {@link SymbolLayout#dataRowPositions}). */
    int position(int line, int module) {
        int p = module + QUIET_ZONE;
        return (line * stride + wordOf(p)) << 6 | p & 63;
    }

    boolean isDark(long[] rows, int row, int column) {
        int p = column + QUIET_ZONE;
        return (rows[row * stride + wordOf(p)] & bitOf(p)) != 0;
    }

    /** The word of a line holding bit {@code p}: the first word is a guard. */
    static int wordOf(int p) {
        return 1 + (p >>> 6);
    }

    static long bitOf(int p) {
        return 1L << (p & 63);
    }
}
