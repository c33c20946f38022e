import java.awt.image.BufferedImage;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import javax.imageio.ImageIO;

/**
 * Draws the QR code of a PNG file (one the worker published, written by scripts/events.sh) in the terminal, so that
 * a phone can scan it off the screen. It copies the image's modules as they are: nothing is decoded or encoded
 * again, so the secret never passes through anything but the file and the screen. Two module rows per text line,
 * black on a white background whatever the terminal's colours, with a quiet zone around.
 *   java scripts/QrTerminal.java qr-6-1.png
 */
public class QrTerminal {

    private static final int QUIET_ZONE = 2;

    public static void main(String[] args) throws IOException {
        BufferedImage image = ImageIO.read(new File(args[0]));
        if (image == null) {
            throw new IOException(args[0] + " is not an image");
        }
        boolean[][] modules = modules(image);
        StringBuilder out = new StringBuilder();
        int size = modules.length + 2 * QUIET_ZONE;
        for (int row = 0; row < size; row += 2) {
            out.append("\u001b[30;47m");
            for (int column = 0; column < size; column++) {
                boolean top = dark(modules, row, column);
                boolean bottom = dark(modules, row + 1, column);
                out.append(top ? (bottom ? '\u2588' : '\u2580') : (bottom ? '\u2584' : ' '));
            }
            out.append("\u001b[0m\n");
        }
        // The half blocks exist only in Unicode: written as UTF-8 whatever the locale, since under a POSIX locale
        // (a container, a bare ssh session) System.out would turn each into '?' and the QR could not be scanned.
        PrintStream terminal = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        terminal.print(out);
        terminal.flush();
    }

    private static boolean dark(boolean[][] modules, int row, int column) {
        int r = row - QUIET_ZONE;
        int c = column - QUIET_ZONE;
        return r >= 0 && c >= 0 && r < modules.length && c < modules.length && modules[r][c];
    }

    /**
     * The code's modules: the dark pixels' bounding box is the code; the finder pattern in its top-left corner is
     * 7 modules wide, which gives the module size; each module is read at its centre.
     */
    private static boolean[][] modules(BufferedImage image) {
        int left = image.getWidth();
        int top = image.getHeight();
        int right = -1;
        int bottom = -1;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (isDark(image, x, y)) {
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                }
            }
        }
        if (right < 0) {
            throw new IllegalArgumentException("no QR code in the image");
        }
        int finder = 0;
        while (left + finder <= right && isDark(image, left + finder, top)) {
            finder++;
        }
        double moduleSize = finder / 7.0;
        int count = (int) Math.round((right - left + 1) / moduleSize);
        boolean[][] modules = new boolean[count][count];
        for (int row = 0; row < count; row++) {
            for (int column = 0; column < count; column++) {
                int x = left + (int) ((column + 0.5) * moduleSize);
                int y = top + (int) ((row + 0.5) * moduleSize);
                modules[row][column] = isDark(image, Math.min(x, right), Math.min(y, bottom));
            }
        }
        return modules;
    }

    private static boolean isDark(BufferedImage image, int x, int y) {
        int rgb = image.getRGB(x, y);
        int luminance = ((rgb >> 16) & 0xff) * 299 + ((rgb >> 8) & 0xff) * 587 + (rgb & 0xff) * 114;
        return luminance < 128_000;
    }
}
