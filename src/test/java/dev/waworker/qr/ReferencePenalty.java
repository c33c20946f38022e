package dev.waworker.qr;

/**
 * The mask penalty of ISO/IEC 18004:2015 §7.8.3 written the plain way, one module at a time, as the oracle for the
 * bit-packed {@link MaskPenalty}. Outside the symbol counts as light (the quiet zone).
 */
final class ReferencePenalty {

    private ReferencePenalty() {
    }

    /** {@code dark[row][column]}. */
    static int of(boolean[][] dark) {
        int n = dark.length;
        int penalty = 0;
        for (int i = 0; i < n; i++) {
            boolean[] row = new boolean[n];
            boolean[] column = new boolean[n];
            for (int j = 0; j < n; j++) {
                row[j] = dark[i][j];
                column[j] = dark[j][i];
            }
            penalty += runs(row) + runs(column) + finderLike(row) + finderLike(column);
        }
        for (int i = 0; i + 1 < n; i++) {
            for (int j = 0; j + 1 < n; j++) {
                boolean c = dark[i][j];
                if (dark[i][j + 1] == c && dark[i + 1][j] == c && dark[i + 1][j + 1] == c) {
                    penalty += 3;
                }
            }
        }
        int darkModules = 0;
        for (boolean[] row : dark) {
            for (boolean module : row) {
                darkModules += module ? 1 : 0;
            }
        }
        // k full steps of 5 % away from 50 %: |dark/total - 1/2| / (5/100), rounded down.
        double deviation = Math.abs((double) darkModules / (n * n) - 0.5);
        int k = (int) Math.floor(deviation / 0.05 + 1e-9);
        return penalty + 10 * k;
    }

    private static int runs(boolean[] line) {
        int penalty = 0;
        int run = 1;
        for (int j = 1; j <= line.length; j++) {
            if (j < line.length && line[j] == line[j - 1]) {
                run++;
            } else {
                if (run >= 5) {
                    penalty += 3 + (run - 5);
                }
                run = 1;
            }
        }
        return penalty;
    }

    private static int finderLike(boolean[] line) {
        boolean[] pattern = {true, false, true, true, true, false, true};
        int penalty = 0;
        for (int j = 0; j + 7 <= line.length; j++) {
            boolean matches = true;
            for (int k = 0; k < 7; k++) {
                matches &= line[j + k] == pattern[k];
            }
            if (matches && (light(line, j - 4, j) || light(line, j + 7, j + 11))) {
                penalty += 40;
            }
        }
        return penalty;
    }

    private static boolean light(boolean[] line, int from, int to) {
        for (int j = from; j < to; j++) {
            if (j >= 0 && j < line.length && line[j]) {
                return false;
            }
        }
        return true;
    }
}
