package dev.waworker.qr;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import javax.imageio.ImageIO;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

/**
 * Renders a pairing string as a PNG data URL ({@code data:image/png;base64,...}) for the backend to show.
 *
 * <p>Choices, for a code that a phone camera reads off a screen on the first try:
 * <ul>
 *   <li>Error correction M (15 %): WhatsApp's pairing strings are about 250 ASCII characters, which fit a version
 *       13 symbol at M. Level L would make it one or two versions smaller, but a screen photographed at an angle
 *       (glare, moiré) loses modules; Q or H would grow the symbol to where a small screen makes each module
 *       too fine to resolve. M is the usual trade-off for on-screen codes.</li>
 *   <li>Quiet zone of 4 modules: the minimum ISO/IEC 18004 asks for; decoders locate the finder patterns
 *       against it, and the backend may place the image on any background.</li>
 *   <li>6 pixels per module: about 460 px for a version 13 symbol, crisp without scaling on typical dashboards
 *       (browsers blur non-integer upscaling of a smaller image).</li>
 *   <li>1-bit black-and-white PNG: a QR has only two colours, so a bilevel image keeps the data URL at a couple
 *       of kilobytes.</li>
 * </ul>
 */
public final class QrCodeRenderer {

    static final ErrorCorrectionLevel ERROR_CORRECTION = ErrorCorrectionLevel.M;
    static final int QUIET_ZONE_MODULES = 4;
    static final int PIXELS_PER_MODULE = 6;

    private static final String DATA_URL_PREFIX = "data:image/png;base64,";

    private final QRCodeWriter writer = new QRCodeWriter();

    /** The PNG of {@code text} as a data URL. */
    public String toPngDataUrl(String text) {
        return DATA_URL_PREFIX + Base64.getEncoder().encodeToString(toPng(text));
    }

    /** The PNG bytes of {@code text}. */
    public byte[] toPng(String text) {
        BitMatrix modules = encode(text);
        BufferedImage image = scale(modules);
        ByteArrayOutputStream png = new ByteArrayOutputStream(4096);
        try {
            if (!ImageIO.write(image, "png", png)) {
                throw new IllegalStateException("no PNG writer available in this JRE");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        }
        return png.toByteArray();
    }

    private BitMatrix encode(String text) {
        try {
            // Size 0 asks ZXing for one pixel per module (quiet zone included): we scale it ourselves so that
            // every module is exactly PIXELS_PER_MODULE pixels wide.
            return writer.encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.ERROR_CORRECTION, ERROR_CORRECTION,
                    EncodeHintType.MARGIN, QUIET_ZONE_MODULES));
        } catch (WriterException e) {
            throw new IllegalArgumentException("text cannot be encoded as a QR code (" + text.length() + " chars)", e);
        }
    }

    /**
     * Writes the packed 1-bit rows straight into the image's buffer: going through {@code setRGB} would convert
     * every pixel through the colour model, which made rendering several times slower.
     */
    private static BufferedImage scale(BitMatrix modules) {
        int side = modules.getWidth() * PIXELS_PER_MODULE;
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_BINARY);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int stride = (side + 7) / 8;
        byte[] row = new byte[stride];
        for (int moduleY = 0; moduleY < modules.getHeight(); moduleY++) {
            Arrays.fill(row, (byte) 0);
            for (int x = 0; x < side; x++) {
                if (!modules.get(x / PIXELS_PER_MODULE, moduleY)) {
                    // In a TYPE_BYTE_BINARY image, bit 1 is palette entry 1: white. The leftmost pixel is the
                    // most significant bit.
                    row[x >> 3] |= (byte) (0x80 >>> (x & 7));
                }
            }
            for (int dy = 0; dy < PIXELS_PER_MODULE; dy++) {
                System.arraycopy(row, 0, pixels, (moduleY * PIXELS_PER_MODULE + dy) * stride, stride);
            }
        }
        return image;
    }
}
