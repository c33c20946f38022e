package dev.waworker.qr;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a symbol as the smallest PNG that shows it crisply: 1-bit greyscale (a QR has two colours), each module a
 * square of whole pixels, the quiet zone included. Of the pixel rows of one module row, the first is stored as it is
 * and the others with PNG's "Up" filter (the difference to the row above: all zeros), which deflate turns into a
 * few bits. General-purpose image writers (ImageIO) spend most of their time converting pixels; this one writes the
 * bytes straight from the bit-packed modules.
 */
final class PngWriter {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int BIT_DEPTH = 1;
    private static final int COLOUR_TYPE_GREYSCALE = 0;
    private static final byte FILTER_NONE = 0;
    private static final byte FILTER_UP = 2;
    /**
     * Measured on pairing-string symbols (docs/benchmarks.md): level 4 with the FILTERED strategy (fewer, longer
     * matches) compresses them better than the default strategy at level 6 or 9, in less time.
     */
    private static final int DEFLATE_LEVEL = 4;
    /**
     * Deflaters kept for reuse: creating one (zlib's state, about 256 KiB of native memory) took a tenth of a
     * render. At most one per processor stays idle; more are created under a burst and ended after it.
     */
    private static final int MAX_IDLE_DEFLATERS = Runtime.getRuntime().availableProcessors();
    private static final ConcurrentLinkedQueue<Deflater> IDLE_DEFLATERS = new ConcurrentLinkedQueue<>();

    private PngWriter() {
    }

    static byte[] write(QrSymbol symbol, int pixelsPerModule) {
        int modules = symbol.size() + 2 * ModuleLines.QUIET_ZONE;
        int side = modules * pixelsPerModule;
        byte[] pixels = pixels(symbol, modules, side, pixelsPerModule);

        byte[] compressed = compress(pixels);
        ByteArrayOutputStream png = new ByteArrayOutputStream(compressed.length + 64);
        png.writeBytes(SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, side);
        putInt(header, 4, side);
        header[8] = BIT_DEPTH;
        header[9] = COLOUR_TYPE_GREYSCALE;
        // bytes 10-12: deflate compression, adaptive filtering, no interlace: all 0
        chunk(png, "IHDR", header);
        chunk(png, "IDAT", compressed);
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static byte[] compress(byte[] pixels) {
        Deflater deflater = IDLE_DEFLATERS.poll();
        if (deflater == null) {
            deflater = new Deflater(DEFLATE_LEVEL);
            deflater.setStrategy(Deflater.FILTERED);
        }
        try {
            deflater.setInput(pixels);
            deflater.finish();
            byte[] buffer = new byte[pixels.length / 4 + 64];
            int length = 0;
            while (!deflater.finished()) {
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                length += deflater.deflate(buffer, length, buffer.length - length);
            }
            return Arrays.copyOf(buffer, length);
        } finally {
            deflater.reset();
            if (IDLE_DEFLATERS.size() < MAX_IDLE_DEFLATERS) {
                IDLE_DEFLATERS.offer(deflater);
            } else {
                deflater.end();
            }
        }
    }

    /** The filtered scanlines: a filter byte, then one bit per pixel, 1 = white, the leftmost pixel in the high bit. */
    private static byte[] pixels(QrSymbol symbol, int modules, int side, int scale) {
        int rowBytes = (side + 7) / 8;
        int lineLength = 1 + rowBytes;
        byte[] out = new byte[lineLength * side];
        long whiteModule = (1L << scale) - 1;
        for (int moduleRow = 0; moduleRow < modules; moduleRow++) {
            int line = moduleRow * scale * lineLength;
            out[line] = FILTER_NONE;
            int row = moduleRow - ModuleLines.QUIET_ZONE;
            boolean quietRow = row < 0 || row >= symbol.size();
            // Pixels gather in the low bits of a long and leave it a byte at a time, most significant first.
            long pending = 0;
            int pendingBits = 0;
            int at = line + 1;
            for (int p = 0; p < modules; p++) {
                boolean dark = !quietRow && symbol.isDarkWithQuietZone(row, p);
                pending = pending << scale | (dark ? 0 : whiteModule);
                pendingBits += scale;
                while (pendingBits >= 8) {
                    pendingBits -= 8;
                    out[at++] = (byte) (pending >>> pendingBits);
                }
            }
            if (pendingBits > 0) {
                out[at] = (byte) (pending << 8 - pendingBits | 0xFF >>> pendingBits); // padding bits: white
            }
            for (int repeat = 1; repeat < scale; repeat++) {
                out[line + repeat * lineLength] = FILTER_UP; // the rest of this line stays 0: same as the row above
            }
        }
        return out;
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] length = new byte[4];
        putInt(length, 0, data.length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] check = new byte[4];
        putInt(check, 0, (int) crc.getValue());
        png.writeBytes(length);
        png.writeBytes(typeBytes);
        png.writeBytes(data);
        png.writeBytes(check);
    }

    private static void putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }
}
