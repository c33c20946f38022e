package dev.waworker.qr;

import java.util.Map;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import com.google.zxing.qrcode.encoder.QRCode;

/**
 * What the standard's mask rule picks for a text, worked out without our encoder: ZXing lays out the text's symbol
 * once with each of the 8 masks, {@link ReferencePenalty} scores each, and the first of the lowest wins (§7.8.3
 * leaves ties open; ZXing, like us, keeps the first).
 */
final class ZxingMaskOracle {

    record Choice(int mask, boolean[][] modules) {
    }

    private ZxingMaskOracle() {
    }

    static Choice lowestPenalty(String text, int version) {
        Choice best = null;
        int lowest = Integer.MAX_VALUE;
        for (int mask = 0; mask < 8; mask++) {
            boolean[][] modules = asGrid(zxing(text, version, mask).getMatrix());
            int penalty = ReferencePenalty.of(modules);
            if (penalty < lowest) {
                lowest = penalty;
                best = new Choice(mask, modules);
            }
        }
        return best;
    }

    private static QRCode zxing(String text, int version, int mask) {
        try {
            QRCode code = Encoder.encode(text, ErrorCorrectionLevel.M,
                    Map.of(EncodeHintType.QR_MASK_PATTERN, mask, EncodeHintType.QR_VERSION, version));
            if (!code.getMode().name().equals("BYTE")) {
                throw new IllegalArgumentException("ZXing chose " + code.getMode() + " mode, we always use byte mode");
            }
            return code;
        } catch (WriterException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean[][] asGrid(ByteMatrix matrix) {
        boolean[][] grid = new boolean[matrix.getHeight()][matrix.getWidth()];
        for (int row = 0; row < grid.length; row++) {
            for (int column = 0; column < grid.length; column++) {
                grid[row][column] = matrix.get(column, row) == 1;
            }
        }
        return grid;
    }
}
