package dev.waworker.qr;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.waworker.testing.QrPng;

/**
 * scripts/QrTerminal.java, run as scripts/try.sh runs it, draws a QR the worker rendered so that it reads back as
 * the same text: the drawing (two module rows per line of half blocks) is turned back into an image and decoded.
 */
class QrTerminalScriptTest {

    private static final String PAIRING_STRING =
            "2@Yk3nE0aXQwZ1p4cU5mR2h0Uk9wUQ==,Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0,"
                    + "YmFzZTY0aWRlbnRpdHlrZXk=,c2lnbmF0dXJla2V5YmFzZTY0";

    @TempDir
    Path dir;

    @Test
    void theTerminalDrawingReadsAsThePng() throws Exception {
        String dataUrl = new QrCodeRenderer().toPngDataUrl(PAIRING_STRING);
        Path png = dir.resolve("qr.png");
        Files.write(png, Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1)));

        List<String> lines = draw(png);

        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("\u001b[30;47m"));
        assertThat(QrPng.decode(asPng(lines))).isEqualTo(PAIRING_STRING);
    }

    private static List<String> draw(Path png) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "scripts/QrTerminal.java", png.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return out.lines().toList();
    }

    /** The drawing as an image: each character is two modules, its top and bottom half, 4 pixels a module. */
    private static byte[] asPng(List<String> lines) throws IOException {
        List<boolean[]> rows = new ArrayList<>();
        for (String line : lines) {
            String cells = line.replaceAll("\u001b\\[[0-9;]*m", "");
            boolean[] top = new boolean[cells.length()];
            boolean[] bottom = new boolean[cells.length()];
            for (int i = 0; i < cells.length(); i++) {
                char c = cells.charAt(i);
                top[i] = c == '\u2588' || c == '\u2580';
                bottom[i] = c == '\u2588' || c == '\u2584';
            }
            rows.add(top);
            rows.add(bottom);
        }
        int scale = 4;
        BufferedImage image = new BufferedImage(rows.get(0).length * scale, rows.size() * scale,
                BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, rows.get(y / scale)[x / scale] ? 0x000000 : 0xffffff);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
