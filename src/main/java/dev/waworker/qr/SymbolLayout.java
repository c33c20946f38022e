package dev.waworker.qr;

import com.google.zxing.qrcode.decoder.Version;

/**
 * Where things go in a QR symbol of one version at error correction level M (ISO/IEC 18004 §6.3 and §7.7-7.9):
 * the function patterns, the order in which data bits fill the remaining modules, and, for each of the 8 masks,
 * which modules that mask inverts plus the format information it writes. All of it depends only on the version,
 * so it is worked out once per version and reused by every symbol of that version.
 *
 * <p>Everything is kept as bit-packed lines (see {@link ModuleLines}), twice: row by row and column by column, so
 * that the vertical penalty rules are the horizontal ones run over the columns. The quiet zone of 4 light modules is
 * part of each line, as it is of the image: the finder-like pattern rule looks 4 modules past the symbol's edge.
 */
final class SymbolLayout {

    /** Format information bits for level M: its 2-bit indicator is 00 (§7.9.1, table 12). */
    private static final int LEVEL_M_INDICATOR = 0b00;
    static final int MASKS = 8;

    private static final SymbolLayout[] CACHE = new SymbolLayout[41];

    final int version;
    final int size;
    final ModuleLines lines;
    /** Dark modules of the function patterns (finders, timing, alignment, version information, the dark module). */
    final long[] functionRows;
    final long[] functionColumns;
    /**
     * The data modules in placement order (§7.7.3: two-module columns zigzagging up and down from the right), each
     * as {@code row << 8 | column}; past the last codeword bit they hold the remainder bits, which are light.
     */
    final int[] dataModules;
    /**
     * The same modules as positions in the bit-packed rows and columns: {@code word << 6 | bit}, so that placing a
     * data bit is one OR per form ({@code 1L << position} shifts by the low 6 bits only).
     */
    final int[] dataRowPositions;
    final int[] dataColumnPositions;
    /** Per mask: the data modules it inverts, plus the dark modules of the format information naming that mask. */
    final long[][] maskRows = new long[MASKS][];
    final long[][] maskColumns = new long[MASKS][];

    private SymbolLayout(int version) {
        this.version = version;
        this.size = 17 + 4 * version;
        this.lines = new ModuleLines(size);
        boolean[][] function = new boolean[size][size];
        boolean[][] dark = new boolean[size][size];
        drawFunctionPatterns(function, dark);

        functionRows = lines.newMatrix();
        functionColumns = lines.newMatrix();
        for (int row = 0; row < size; row++) {
            for (int column = 0; column < size; column++) {
                if (dark[row][column]) {
                    lines.set(functionRows, functionColumns, row, column);
                }
            }
        }
        dataModules = placementOrder(function);
        dataRowPositions = new int[dataModules.length];
        dataColumnPositions = new int[dataModules.length];
        for (int i = 0; i < dataModules.length; i++) {
            int row = dataModules[i] >>> 8;
            int column = dataModules[i] & 0xFF;
            dataRowPositions[i] = lines.position(row, column);
            dataColumnPositions[i] = lines.position(column, row);
        }
        for (int mask = 0; mask < MASKS; mask++) {
            maskRows[mask] = lines.newMatrix();
            maskColumns[mask] = lines.newMatrix();
            for (int module : dataModules) {
                int row = module >>> 8;
                int column = module & 0xFF;
                if (inverts(mask, row, column)) {
                    lines.set(maskRows[mask], maskColumns[mask], row, column);
                }
            }
            int format = formatBits(mask);
            for (int bit = 0; bit < 15; bit++) {
                if ((format >>> bit & 1) != 0) {
                    for (int[] at : formatModules(bit)) {
                        lines.set(maskRows[mask], maskColumns[mask], at[0], at[1]);
                    }
                }
            }
        }
    }

    /** The layout of {@code version} (1 to 40), built on first use. */
    static SymbolLayout of(int version) {
        SymbolLayout layout = CACHE[version];
        if (layout == null) {
            // Two threads may both build it: the results are equal, and final fields make either safe to share.
            layout = new SymbolLayout(version);
            CACHE[version] = layout;
        }
        return layout;
    }

    /** The mask condition of §7.8.2, table 10 (i is the row, j the column): true where the module is inverted. */
    static boolean inverts(int mask, int i, int j) {
        return switch (mask) {
            case 0 -> (i + j) % 2 == 0;
            case 1 -> i % 2 == 0;
            case 2 -> j % 3 == 0;
            case 3 -> (i + j) % 3 == 0;
            case 4 -> (i / 2 + j / 3) % 2 == 0;
            case 5 -> i * j % 2 + i * j % 3 == 0;
            case 6 -> (i * j % 2 + i * j % 3) % 2 == 0;
            case 7 -> ((i + j) % 2 + i * j % 3) % 2 == 0;
            default -> throw new IllegalArgumentException("no mask " + mask);
        };
    }

    /**
     * The 15 format information bits for level M and {@code mask}: a BCH(15,5) code, XORed with 101010000010010
     * (§7.9).
     */
    static int formatBits(int mask) {
        int data = LEVEL_M_INDICATOR << 3 | mask;
        int remainder = data;
        for (int i = 0; i < 10; i++) {
            remainder = remainder << 1 ^ (remainder >>> 9) * 0x537;
        }
        return (data << 10 | remainder) ^ 0x5412;
    }

    /**
     * The two modules, {row, column}, that carry format bit {@code bit} (bit 0 is the least significant; §7.9.1,
     * figure 25).
     */
    private int[][] formatModules(int bit) {
        int[] first;
        if (bit < 6) {
            first = new int[] {bit, 8};
        } else if (bit < 8) {
            first = new int[] {bit + 1, 8};
        } else if (bit == 8) {
            first = new int[] {8, 7};
        } else {
            first = new int[] {8, 14 - bit};
        }
        int[] second = bit < 8 ? new int[] {8, size - 1 - bit} : new int[] {size - 15 + bit, 8};
        return new int[][] {first, second};
    }

    private void drawFunctionPatterns(boolean[][] function, boolean[][] dark) {
        // Timing patterns first: the finders and alignment patterns drawn after overwrite their crossings.
        for (int i = 0; i < size; i++) {
            mark(function, dark, 6, i, i % 2 == 0);
            mark(function, dark, i, 6, i % 2 == 0);
        }
        drawFinder(function, dark, 3, 3);
        drawFinder(function, dark, 3, size - 4);
        drawFinder(function, dark, size - 4, 3);
        int[] centers = Version.getVersionForNumber(version).getAlignmentPatternCenters();
        for (int a = 0; a < centers.length; a++) {
            for (int b = 0; b < centers.length; b++) {
                boolean onAFinder = a == 0 && b == 0 || a == 0 && b == centers.length - 1
                        || a == centers.length - 1 && b == 0;
                if (!onAFinder) {
                    for (int dy = -2; dy <= 2; dy++) {
                        for (int dx = -2; dx <= 2; dx++) {
                            mark(function, dark, centers[a] + dy, centers[b] + dx,
                                    Math.max(Math.abs(dx), Math.abs(dy)) != 1);
                        }
                    }
                }
            }
        }
        // Format information areas: reserved here (light), written per mask.
        for (int bit = 0; bit < 15; bit++) {
            for (int[] at : formatModules(bit)) {
                mark(function, dark, at[0], at[1], false);
            }
        }
        mark(function, dark, size - 8, 8, true); // the dark module beside the lower format area (§7.9.1)
        if (version >= 7) {
            int bits = versionBits();
            for (int i = 0; i < 18; i++) {
                boolean on = (bits >>> i & 1) != 0;
                int a = size - 11 + i % 3;
                int b = i / 3;
                mark(function, dark, b, a, on);
                mark(function, dark, a, b, on);
            }
        }
    }

    /** The 18 version information bits: a BCH(18,6) code of the version number (§7.10). */
    private int versionBits() {
        int remainder = version;
        for (int i = 0; i < 12; i++) {
            remainder = remainder << 1 ^ (remainder >>> 11) * 0x1F25;
        }
        return version << 12 | remainder;
    }

    /** A finder pattern centred on (row, column) with its light separator, clipped at the symbol's edge. */
    private void drawFinder(boolean[][] function, boolean[][] dark, int row, int column) {
        for (int dy = -4; dy <= 4; dy++) {
            for (int dx = -4; dx <= 4; dx++) {
                int ring = Math.max(Math.abs(dx), Math.abs(dy));
                int y = row + dy;
                int x = column + dx;
                if (y >= 0 && y < size && x >= 0 && x < size) {
                    mark(function, dark, y, x, ring != 2 && ring != 4);
                }
            }
        }
    }

    private static void mark(boolean[][] function, boolean[][] dark, int row, int column, boolean isDark) {
        function[row][column] = true;
        dark[row][column] = isDark;
    }

    private int[] placementOrder(boolean[][] function) {
        int[] order = new int[size * size];
        int count = 0;
        for (int right = size - 1; right >= 1; right -= 2) {
            if (right == 6) {
                right = 5; // the vertical timing pattern takes column 6 out of the zigzag
            }
            boolean upward = (right + 1 & 2) == 0;
            for (int step = 0; step < size; step++) {
                int row = upward ? size - 1 - step : step;
                for (int column = right; column >= right - 1; column--) {
                    if (!function[row][column]) {
                        order[count++] = row << 8 | column;
                    }
                }
            }
        }
        return java.util.Arrays.copyOf(order, count);
    }
}
