package dev.waworker.amqp;

/**
 * Makes text that came from a message safe to write into a log line or an AMQP header: every character that
 * could start a new line, hide text or reach a terminal as a control sequence (CR, LF, NUL, ESC, the other C0 and
 * C1 controls, DEL, Unicode line and paragraph separators, format characters such as bidirectional overrides and
 * tags, private-use and unassigned code points, unpaired surrogates) is written as an escape, as in a Java or JSON
 * string literal. The backslash is escaped too, so that an escape in the output always stands for a character and
 * never for text the sender wrote.
 */
public final class Printable {

    private Printable() {
    }

    /** {@code text} with its control characters escaped; {@code null} stays {@code null}. */
    public static String escape(CharSequence text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        int i = 0;
        while (i < text.length()) {
            int codePoint = Character.codePointAt(text, i);
            int length = Character.charCount(codePoint);
            String escaped = escapeOf(codePoint);
            if (escaped != null && out == null) {
                // Most text needs no escape: copy only once one is found.
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escaped != null) {
                out.append(escaped);
            } else if (out != null) {
                out.append(text, i, i + length);
            }
            i += length;
        }
        return out == null ? text.toString() : out.toString();
    }

    /** The escape for {@code codePoint}, or {@code null} when it is printed as it is. */
    private static String escapeOf(int codePoint) {
        switch (codePoint) {
            case '\\':
                return "\\\\";
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\0':
                return "\\0";
            default:
                break;
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> utf16Escapes(codePoint);
            default -> null;
        };
    }

    /** {@code \}{@code uXXXX} for each UTF-16 unit of {@code codePoint}, as Java and JSON write it. */
    private static String utf16Escapes(int codePoint) {
        StringBuilder units = new StringBuilder(12);
        for (char unit : Character.toChars(codePoint)) {
            units.append(String.format("\\u%04x", (int) unit));
        }
        return units.toString();
    }
}
