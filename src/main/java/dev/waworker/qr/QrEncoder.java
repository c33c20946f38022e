package dev.waworker.qr;

import java.nio.charset.StandardCharsets;

import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.decoder.Version;

/**
 * Encodes text as a QR symbol at error correction level M (ISO/IEC 18004:2015): one byte-mode segment, the smallest
 * version it fits, Reed-Solomon blocks interleaved (§7.6), and the mask with the lowest penalty of all 8 (§7.8.3).
 *
 * <p>ASCII text goes as plain bytes, which every reader takes as ASCII. Other text goes as UTF-8 behind an ECI
 * header naming UTF-8 (§7.4.2), since readers disagree about what unlabelled bytes above 127 mean.
 */
final class QrEncoder {

    private static final ErrorCorrectionLevel LEVEL = ErrorCorrectionLevel.M;
    private static final int MODE_BYTE = 0b0100;
    private static final int MODE_ECI = 0b0111;
    private static final int ECI_UTF_8 = 26;
    private static final int PAD_A = 0xEC;
    private static final int PAD_B = 0x11;

    private QrEncoder() {
    }

    /** The symbol of {@code text}; an {@link IllegalArgumentException} when it does not fit version 40. */
    static QrSymbol encode(String text) {
        boolean ascii = text.chars().allMatch(c -> c < 0x80);
        byte[] bytes = text.getBytes(ascii ? StandardCharsets.US_ASCII : StandardCharsets.UTF_8);
        int headerBits = ascii ? 0 : 12;
        int version = smallestVersion(bytes.length, headerBits);
        SymbolLayout layout = SymbolLayout.of(version);
        byte[] codewords = codewords(bytes, ascii, Version.getVersionForNumber(version));
        return withBestMask(layout, codewords);
    }

    /** The version whose data capacity at level M first holds the segment (§7.4.10, table 7). */
    static int smallestVersion(int byteCount, int headerBits) {
        for (int version = 1; version <= 40; version++) {
            int capacityBits = dataCodewords(Version.getVersionForNumber(version)) * 8;
            int countBits = version < 10 ? 8 : 16;
            if (headerBits + 4 + countBits + 8L * byteCount <= capacityBits) {
                return version;
            }
        }
        throw new IllegalArgumentException("text too long for a QR code at level M: " + byteCount
                + " bytes, the largest symbol holds " + (dataCodewords(Version.getVersionForNumber(40)) - 3));
    }

    private static int dataCodewords(Version version) {
        Version.ECBlocks blocks = version.getECBlocksForLevel(LEVEL);
        return version.getTotalCodewords() - blocks.getECCodewordsPerBlock() * blocks.getNumBlocks();
    }

    /**
     * Data codewords (header, bytes, terminator, padding) split into blocks, each followed by its error correction,
     * interleaved.
     */
    private static byte[] codewords(byte[] bytes, boolean ascii, Version version) {
        byte[] data = new byte[dataCodewords(version)];
        BitWriter bits = new BitWriter(data);
        if (!ascii) {
            bits.write(MODE_ECI, 4);
            bits.write(ECI_UTF_8, 8);
        }
        bits.write(MODE_BYTE, 4);
        bits.write(bytes.length, version.getVersionNumber() < 10 ? 8 : 16);
        for (byte b : bytes) {
            bits.write(b & 0xFF, 8);
        }
        // The terminator, cut short when the symbol is full.
        bits.write(0, Math.min(4, data.length * 8 - bits.position));
        bits.write(0, -bits.position & 7);
        for (int i = bits.position / 8, pad = 0; i < data.length; i++, pad++) {
            data[i] = (byte) (pad % 2 == 0 ? PAD_A : PAD_B);
        }
        return interleave(data, version);
    }

    private static byte[] interleave(byte[] data, Version version) {
        Version.ECBlocks ec = version.getECBlocksForLevel(LEVEL);
        int blocks = ec.getNumBlocks();
        int ecLength = ec.getECCodewordsPerBlock();
        int total = version.getTotalCodewords();
        // The last (total % blocks) blocks hold one data codeword more than the others (§7.6, table 9).
        int shortBlocks = blocks - total % blocks;
        int shortDataLength = total / blocks - ecLength;
        byte[] out = new byte[total];
        int[] starts = new int[blocks];
        byte[] corrections = new byte[blocks * ecLength];
        for (int b = 0, start = 0; b < blocks; b++) {
            int length = shortDataLength + (b < shortBlocks ? 0 : 1);
            starts[b] = start;
            ReedSolomon.errorCorrection(data, start, length, ecLength, corrections, b * ecLength);
            start += length;
        }
        int at = 0;
        for (int i = 0; i <= shortDataLength; i++) {
            for (int b = 0; b < blocks; b++) {
                if (i < shortDataLength || b >= shortBlocks) {
                    out[at++] = data[starts[b] + i];
                }
            }
        }
        for (int i = 0; i < ecLength; i++) {
            for (int b = 0; b < blocks; b++) {
                out[at++] = corrections[b * ecLength + i];
            }
        }
        return out;
    }

    /** Places the codewords, scores the 8 masked symbols and keeps the first with the lowest penalty. */
    private static QrSymbol withBestMask(SymbolLayout layout, byte[] codewords) {
        ModuleLines lines = layout.lines;
        long[] rows = layout.functionRows.clone();
        long[] columns = layout.functionColumns.clone();
        int[] rowPositions = layout.dataRowPositions;
        int[] columnPositions = layout.dataColumnPositions;
        for (int i = 0; i < codewords.length * 8; i++) {
            if ((codewords[i >>> 3] << (i & 7) & 0x80) != 0) {
                rows[rowPositions[i] >>> 6] |= 1L << rowPositions[i];
                columns[columnPositions[i] >>> 6] |= 1L << columnPositions[i];
            }
        }
        long[] maskedRows = new long[rows.length];
        long[] maskedColumns = new long[columns.length];
        int best = 0;
        int lowest = Integer.MAX_VALUE;
        for (int mask = 0; mask < SymbolLayout.MASKS; mask++) {
            xor(rows, layout.maskRows[mask], maskedRows);
            xor(columns, layout.maskColumns[mask], maskedColumns);
            int penalty = MaskPenalty.of(maskedRows, maskedColumns, lines);
            if (penalty < lowest) {
                lowest = penalty;
                best = mask;
            }
        }
        xor(rows, layout.maskRows[best], maskedRows);
        return new QrSymbol(layout.version, best, lines, maskedRows);
    }

    private static void xor(long[] a, long[] b, long[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = a[i] ^ b[i];
        }
    }

    /** Appends bits most significant first, as the QR bit stream is read. */
    private static final class BitWriter {
        private final byte[] out;
        int position;

        BitWriter(byte[] out) {
            this.out = out;
        }

        void write(int value, int count) {
            for (int i = count - 1; i >= 0; i--) {
                if ((value >>> i & 1) != 0) {
                    out[position >>> 3] |= (byte) (0x80 >>> (position & 7));
                }
                position++;
            }
        }
    }
}
