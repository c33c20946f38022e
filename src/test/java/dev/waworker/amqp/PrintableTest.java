package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;

class PrintableTest {

    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}\\p{Co}\\p{Cn}]");

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "plain text, é and 😀|plain text, é and 😀",
            "a\\b|a\\\\b"})
    void keepsPrintableTextAndEscapesTheBackslash(String text, String expected) {
        assertThat(Printable.escape(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0a|\\n", "0d|\\r", "09|\\t", "00|\\0", "1b|\\u001b", "7f|\\u007f", "85|\\u0085",
            "2028|\\u2028", "2029|\\u2029", "202e|\\u202e", "200b|\\u200b", "d800|\\ud800", "dc00|\\udc00"})
    void escapesEachCharacterThatCouldBreakOrHideALogLine(String hex, String expected) {
        String character = Character.toString((char) Integer.parseInt(hex, 16));

        assertThat(Printable.escape("x" + character + "y")).isEqualTo("x" + expected + "y");
    }

    @Property(tries = 2000)
    void leavesNothingUnprintableAndLosesNothing(@ForAll @CharRange(from = '\u0000', to = '\uffff') String text) {
        String escaped = Printable.escape(text);

        assertThat(escaped).doesNotContainPattern(UNPRINTABLE);
        assertThat(unescape(escaped)).isEqualTo(text);
    }

    /** The inverse, for the property: each escape stands for exactly one character. */
    private static String unescape(String escaped) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char kind = escaped.charAt(++i);
            switch (kind) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case '0' -> out.append('\0');
                case '\\' -> out.append('\\');
                case 'u' -> {
                    out.append((char) Integer.parseInt(escaped.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new AssertionError("unknown escape \\" + kind);
            }
        }
        return out.toString();
    }
}
