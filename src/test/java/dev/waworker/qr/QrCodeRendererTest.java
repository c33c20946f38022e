package dev.waworker.qr;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.security.SecureRandom;
import java.util.Base64;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

import dev.waworker.testing.QrPng;

class QrCodeRendererTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final QrCodeRenderer renderer = new QrCodeRenderer();

    /** A pairing string of WhatsApp's shape and size: ref, three 32-byte keys in base64, platform. */
    private static String pairingString() {
        byte[] ref = new byte[60];
        RANDOM.nextBytes(ref);
        return "https://wa.me/settings/linked_devices#2@" + Base64.getEncoder().encodeToString(ref) + ","
                + key() + "," + key() + "," + key() + ",WINDOWS";
    }

    private static String key() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Property(tries = 100)
    void aPairingStringsPngDecodesBackToTheExactText(@ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        String text = random.nextBoolean() ? PairingStrings.plain(random) : PairingStrings.asLink(random);

        assertThat(QrPng.decode(renderer.toPngDataUrl(text))).isEqualTo(text);
    }

    /** Any length up to a large symbol, non-ASCII too (sent as UTF-8 behind an ECI header). */
    @Property(tries = 100)
    void anyTextsPngDecodesBackToTheExactText(
            @ForAll @StringLength(min = 1, max = 600) @CharRange(from = ' ', to = '~')
            @CharRange(from = '\u00a0', to = '\ud7ff') String text) {
        assertThat(QrPng.decode(renderer.toPngDataUrl(text))).isEqualTo(text);
    }

    @Test
    void threadsSharingOneRendererEachGetTheirOwnText() throws Exception {
        // The renderer keeps layouts per version and idle deflaters for all threads: none may see another's data.
        int threads = 4;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            var rendered = new java.util.ArrayList<java.util.concurrent.Future<String[]>>();
            for (int t = 0; t < threads * 10; t++) {
                String text = t % 2 == 0 ? pairingString() : "short text " + t;
                rendered.add(pool.submit(() -> new String[] {text, renderer.toPngDataUrl(text)}));
            }
            for (var future : rendered) {
                String[] textAndUrl = future.get();
                assertThat(QrPng.decode(textAndUrl[1])).isEqualTo(textAndUrl[0]);
            }
        }
    }

    @Test
    void theSameTextGivesTheSameBytes() {
        String text = pairingString();

        assertThat(renderer.toPng(text)).isEqualTo(renderer.toPng(text)).isEqualTo(new QrCodeRenderer().toPng(text));
    }

    @Test
    void theDataUrlIsACompactPng() throws Exception {
        String dataUrl = renderer.toPngDataUrl(pairingString());

        assertThat(dataUrl).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(dataUrl.substring("data:image/png;base64,".length()));
        assertThat(png.length).as("a few KB at most").isLessThan(4096);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(image.getHeight());
        assertThat(image.getWidth() % QrCodeRenderer.PIXELS_PER_MODULE).isZero();
    }

    @Test
    void theQuietZoneIsWhite() throws Exception {
        byte[] png = renderer.toPng(pairingString());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int quietZonePixels = QrCodeRenderer.QUIET_ZONE_MODULES * QrCodeRenderer.PIXELS_PER_MODULE;

        for (int i = 0; i < image.getWidth(); i++) {
            for (int border = 0; border < quietZonePixels; border++) {
                assertThat(image.getRGB(i, border) & 0xFFFFFF).isEqualTo(0xFFFFFF);
                assertThat(image.getRGB(border, i) & 0xFFFFFF).isEqualTo(0xFFFFFF);
            }
        }
    }

    @Test
    void aDownscaledPhotoOfTheCodeStillDecodes() throws Exception {
        // A phone rarely sees the image pixel for pixel: halve it with smoothing, as a small preview would.
        String text = pairingString();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(renderer.toPng(text)));
        BufferedImage half = new BufferedImage(image.getWidth() / 2, image.getHeight() / 2,
                BufferedImage.TYPE_INT_RGB);
        var graphics = half.createGraphics();
        graphics.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        graphics.drawImage(image, 0, 0, half.getWidth(), half.getHeight(), null);
        graphics.dispose();
        var out = new java.io.ByteArrayOutputStream();
        ImageIO.write(half, "png", out);

        assertThat(QrPng.decode(out.toByteArray())).isEqualTo(text);
    }
}
