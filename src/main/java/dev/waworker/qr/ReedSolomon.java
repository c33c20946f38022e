package dev.waworker.qr;

/**
 * Reed-Solomon error correction codewords over GF(256) with the QR code's field polynomial x⁸+x⁴+x³+x²+1 (0x11D)
 * and generator polynomial (x - α⁰)(x - α¹)…(x - αⁿ⁻¹) (ISO/IEC 18004 §7.5.2). Written here rather than taken
 * from ZXing because ZXing's encoder object grows its generators in an unsynchronised list, so it cannot be shared
 * between threads and ZXing makes a new one, generators rebuilt, for every symbol; these are built once.
 */
final class ReedSolomon {

    /** The largest number of error correction codewords per block any version and level uses. */
    private static final int MAX_DEGREE = 30;
    private static final int[] EXP = new int[512];
    private static final int[] LOG = new int[256];
    /** GENERATORS[n]: the coefficients of the generator of degree n, highest power first, leading 1 left out. */
    private static final int[][] GENERATORS = new int[MAX_DEGREE + 1][];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = x;
            LOG[x] = i;
            x <<= 1;
            if (x >= 256) {
                x ^= 0x11D;
            }
        }
        for (int i = 255; i < EXP.length; i++) {
            EXP[i] = EXP[i - 255];
        }
        for (int degree = 1; degree <= MAX_DEGREE; degree++) {
            GENERATORS[degree] = generator(degree);
        }
    }

    private ReedSolomon() {
    }

    /**
     * Writes the {@code ecLength} error correction codewords of {@code data[from, from + length)} to
     * {@code out[at...]}.
     */
    static void errorCorrection(byte[] data, int from, int length, int ecLength, byte[] out, int at) {
        int[] generator = GENERATORS[ecLength];
        int[] remainder = new int[ecLength];
        for (int i = 0; i < length; i++) {
            int factor = (data[from + i] & 0xFF) ^ remainder[0];
            System.arraycopy(remainder, 1, remainder, 0, ecLength - 1);
            remainder[ecLength - 1] = 0;
            if (factor != 0) {
                int logFactor = LOG[factor];
                for (int j = 0; j < ecLength; j++) {
                    if (generator[j] != 0) {
                        remainder[j] ^= EXP[LOG[generator[j]] + logFactor];
                    }
                }
            }
        }
        for (int j = 0; j < ecLength; j++) {
            out[at + j] = (byte) remainder[j];
        }
    }

    private static int[] generator(int degree) {
        // Multiplies (x - α⁰)…(x - α^(degree-1)) out; index 0 is the highest power below the leading 1.
        int[] coefficients = new int[degree];
        coefficients[degree - 1] = 1;
        int root = 1;
        for (int i = 0; i < degree; i++) {
            for (int j = 0; j < degree; j++) {
                coefficients[j] = multiply(coefficients[j], root);
                if (j + 1 < degree) {
                    coefficients[j] ^= coefficients[j + 1];
                }
            }
            root = multiply(root, 2);
        }
        return coefficients;
    }

    private static int multiply(int a, int b) {
        return a == 0 || b == 0 ? 0 : EXP[LOG[a] + LOG[b]];
    }
}
