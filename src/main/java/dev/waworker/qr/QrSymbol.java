package dev.waworker.qr;

/**
 * An encoded QR symbol: its version, the mask it was given and its modules, row by row in the bit-packed form of
 * {@link ModuleLines} (quiet zone included, light). Immutable once built.
 */
final class QrSymbol {

    private final int version;
    private final int mask;
    private final ModuleLines lines;
    private final long[] rows;

    QrSymbol(int version, int mask, ModuleLines lines, long[] rows) {
        this.version = version;
        this.mask = mask;
        this.lines = lines;
        this.rows = rows;
    }

    int version() {
        return version;
    }

    int mask() {
        return mask;
    }

    /** Modules per side, quiet zone excluded. */
    int size() {
        return lines.size;
    }

    boolean isDark(int row, int column) {
        return lines.isDark(rows, row, column);
    }

    /**
     * Module {@code p} (0 to size + 7, quiet zone included) of row {@code row} (quiet zone rows excluded): the
     * image writer walks whole lines of the image this way.
     */
    boolean isDarkWithQuietZone(int row, int p) {
        return (rows[row * lines.stride + ModuleLines.wordOf(p)] & ModuleLines.bitOf(p)) != 0;
    }
}
