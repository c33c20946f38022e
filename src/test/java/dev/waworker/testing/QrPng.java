package dev.waworker.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;

import javax.imageio.ImageIO;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.ChecksumException;
import com.google.zxing.FormatException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

/** Reads a QR back from a PNG data URL with ZXing's standard reader, as a backend's test or a phone would. */
public final class QrPng {

    private static final String PREFIX = "data:image/png;base64,";

    private QrPng() {
    }

    public static String decode(String dataUrl) {
        if (!dataUrl.startsWith(PREFIX)) {
            throw new AssertionError("not a PNG data URL: " + dataUrl.substring(0, Math.min(30, dataUrl.length())));
        }
        return decode(Base64.getDecoder().decode(dataUrl.substring(PREFIX.length())));
    }

    public static String decode(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
            return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, Boolean.FALSE))
                    .getText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NotFoundException | ChecksumException | FormatException e) {
            throw new AssertionError("the PNG does not decode as a QR code", e);
        }
    }
}
