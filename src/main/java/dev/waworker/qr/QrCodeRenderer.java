package dev.waworker.qr;

import java.util.Base64;

/**
 * Renders a pairing string as a PNG data URL ({@code data:image/png;base64,...}) for the backend to show.
 *
 * <p>Choices, for a code that a phone camera reads off a screen on the first try:
 * <ul>
 *   <li>Error correction M (15 %): WhatsApp's pairing strings are about 250 ASCII characters, which fit a version
 *       11 to 13 symbol at M. Level L would make it one or two versions smaller, but a screen photographed at an
 *       angle (glare, moiré) loses modules; Q or H would grow the symbol to where a small screen makes each module
 *       too fine to resolve. M is the usual trade-off for on-screen codes.</li>
 *   <li>Quiet zone of 4 modules: the minimum ISO/IEC 18004 asks for; decoders locate the finder patterns
 *       against it, and the backend may place the image on any background.</li>
 *   <li>4 pixels per module: about 300 px for the pairing strings' versions, the size WhatsApp Web shows its own
 *       pairing QR at (and the npm {@code qrcode} package's default); whole pixels per module keep the edges sharp,
 *       and a browser scales such an image up without blurring it.</li>
 *   <li>1-bit black-and-white PNG: a QR has only two colours, so a bilevel image keeps the data URL near one
 *       kilobyte.</li>
 * </ul>
 *
 * <p>The symbol comes from {@link QrEncoder} (the mask chosen by the standard's penalty rule, all 8 scored) and
 * the image from {@link PngWriter}; both were written for this job because ZXing's general encoder spent most of
 * its time scoring masks one module at a time, and ImageIO most of the rest converting pixels (profile and figures
 * in docs/benchmarks.md). Safe to share between threads.
 */
public final class QrCodeRenderer {

    static final int QUIET_ZONE_MODULES = ModuleLines.QUIET_ZONE;
    static final int PIXELS_PER_MODULE = 4;

    private static final String DATA_URL_PREFIX = "data:image/png;base64,";

    /** The PNG of {@code text} as a data URL. */
    public String toPngDataUrl(String text) {
        return DATA_URL_PREFIX + Base64.getEncoder().encodeToString(toPng(text));
    }

    /** The PNG bytes of {@code text}; an {@link IllegalArgumentException} when it is too long for a QR code. */
    public byte[] toPng(String text) {
        return PngWriter.write(QrEncoder.encode(text), PIXELS_PER_MODULE);
    }
}
