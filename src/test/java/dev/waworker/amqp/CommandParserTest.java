package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.waworker.amqp.ParseResult.Ignored;
import dev.waworker.amqp.ParseResult.Invalid;
import dev.waworker.amqp.ParseResult.Resync;
import dev.waworker.amqp.ParseResult.Valid;
import dev.waworker.session.PairingMethod;
import dev.waworker.session.SessionCommand;
import dev.waworker.session.SessionCommand.Type;

class CommandParserTest {

    private static final String CREATE_6 =
            "{\"action\":\"create\",\"data\":{\"numberId\":6,\"phoneNumber\":\"+221771234567\"},\"timestamp\":1765029100000}";

    private final CommandParser parser = new CommandParser();

    @ParameterizedTest
    @CsvSource({
            "create, CREATE",
            "validate, CREATE",
            "regenerate_qr, REGENERATE_QR",
            "close, CLOSE",
            "reconnect, RECONNECT",
            "status, STATUS"})
    void readsEachActionOfTheContract(String action, Type expected) {
        ParsedCommand parsed = valid(command(action, "6", "\"+221771234567\"", null), "application/json");

        assertThat(parsed.command())
                .isEqualTo(new SessionCommand(expected, 6, "+221771234567", PairingMethod.QR, Optional.empty()));
        assertThat(parsed.workerId()).isEmpty();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"application/json", "text/plain", "", "application/json; charset=UTF-8",
            "Application/JSON", " text/plain;charset=utf-8", "application/octet-stream"})
    void acceptsTheContractsContentTypes(String contentType) {
        assertThat(valid(CREATE_6, contentType).command().numberId()).isEqualTo(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/xml", "application/x-java-serialized-object",
            "application/jsonx"})
    void refusesOtherContentTypes(String contentType) {
        Invalid invalid = invalid(CREATE_6, contentType);

        assertThat(invalid.reason()).isEqualTo("unsupported content type '" + contentType
                + "' (expected application/json, text/plain, application/octet-stream or none)");
        assertThat(invalid.numberId()).isEmpty();
    }

    @Test
    void statusNeedsNoPhoneNumberAndWithoutANumberIsAResync() {
        assertThat(valid("{\"action\":\"status\",\"data\":{\"numberId\":\"6\",\"workerId\":7}}", null))
                .isEqualTo(new ParsedCommand(new SessionCommand(Type.STATUS, 6, "", PairingMethod.QR,
                        Optional.empty()), Optional.of("7")));
        assertThat(parser.parse(bytes("{\"action\":\"status\",\"data\":{\"requestId\":\"r-1\"}}"), null))
                .isEqualTo(new Resync(Optional.of("r-1")));
        assertThat(parser.parse(bytes("{\"action\":\"status\",\"data\":{\"numberId\":null}}"), null))
                .isEqualTo(new Resync(Optional.empty()));
        assertThat(parser.parse(bytes("{\"action\":\"status\"}"), null)).isEqualTo(new Resync(Optional.empty()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "{\"action\":\"status\",\"data\":[]}|data must be a JSON object, was an array",
            "{\"action\":\"status\",\"data\":{\"requestId\":7}}|requestId must be a non-blank string of at most"
                    + " 128 characters, was 7",
            "{\"action\":\"status\",\"data\":{\"numberId\":-6}}|numberId must be a positive integer (or its"
                    + " decimal digits as a string), was -6",
            "{\"action\":\"status\",\"data\":{\"numberId\":6,\"phoneNumber\":\"x\"}}|phoneNumber must be an"
                    + " optional + and 8 to 15 digits, was the string 'x'"})
    void namesWhatIsWrongWithAStatus(String body, String reason) {
        Invalid invalid = invalid(body, null);

        assertThat(invalid.reason()).isEqualTo(reason);
        assertThat(invalid.action()).contains(Type.STATUS);
    }

    @Test
    void unwrapsABodyThatIsAJsonStringHoldingTheCommand() {
        String asJsonString = "\"" + CREATE_6.replace("\"", "\\\"") + "\"";

        assertThat(valid(asJsonString, "application/json").command())
                .isEqualTo(new SessionCommand(Type.CREATE, 6, "+221771234567", PairingMethod.QR, Optional.empty()));
    }

    @Test
    void unwrapsOnlyOnce() {
        String once = "\"" + CREATE_6.replace("\"", "\\\"") + "\"";
        String twice = "\"" + once.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";

        assertThat(invalid(twice, "application/json").reason()).startsWith("body must be a JSON object, was the string");
    }

    @Test
    void aJsonStringThatHoldsNoJsonIsInvalid() {
        assertThat(invalid("\"hello\"", null).reason()).startsWith("body is a JSON string that does not hold JSON: ");
    }

    @Test
    void ignoresWorkerStatusWhateverItsData() {
        assertThat(parser.parse(bytes("{\"action\":\"worker_status\",\"data\":{\"workerId\":\"w2\",\"busy\":true}}"), null))
                .isInstanceOf(Ignored.class);
        assertThat(parser.parse(bytes("{\"action\":\"worker_status\"}"), "text/plain")).isInstanceOf(Ignored.class);
    }

    @Test
    void namesAnUnknownActionAndKeepsTheReadableNumber() {
        Invalid invalid = invalid(command("foo", "6", "\"+221771234567\"", null), null);

        assertThat(invalid.reason()).isEqualTo("unknown action 'foo'");
        assertThat(invalid.numberId()).isEqualTo(OptionalLong.of(6));
        assertThat(invalid.phoneNumber()).contains("+221771234567");
    }

    @Test
    void actionsAreCaseSensitive() {
        assertThat(invalid(command("CREATE", "6", "\"+221771234567\"", null), null).reason())
                .isEqualTo("unknown action 'CREATE'");
    }

    @Test
    void quotesOnlyTheStartOfALongValue() {
        String longAction = "x".repeat(500);

        assertThat(invalid(command(longAction, "6", "\"+221771234567\"", null), null).reason())
                .isEqualTo("unknown action '" + "x".repeat(64) + "...'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"data\":{\"numberId\":6,\"phoneNumber\":\"+221771234567\"}}|missing action",
            "{\"action\":7,\"data\":{\"numberId\":6,\"phoneNumber\":\"+221771234567\"}}|action must be a string, was 7",
            "{\"action\":\"create\"}|missing data",
            "{\"action\":\"create\",\"data\":[6]}|data must be a JSON object, was an array",
            "{\"action\":\"create\",\"data\":\"6\"}|data must be a JSON object, was the string '6'"})
    void namesWhatIsWrongWithTheEnvelope(String body, String reason) {
        assertThat(invalid(body, null).reason()).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0|0",
            "-3|-3",
            "6.0|6.0",
            "6.5|6.5",
            "9223372036854775808|9223372036854775808",
            "null|null",
            "true|true",
            "{}|an object",
            "\"0\"|the string '0'",
            "\"014\"|the string '014'",
            "\"-3\"|the string '-3'",
            "\"+3\"|the string '+3'",
            "\" 14\"|the string ' 14'",
            "\"14.0\"|the string '14.0'",
            "\"1e3\"|the string '1e3'",
            "\"\"|the string ''",
            "\"fourteen\"|the string 'fourteen'",
            "\"\uff11\uff14\"|the string '\uff11\uff14'",
            "\"9223372036854775808\"|the string '9223372036854775808'"})
    void refusesANumberIdThatIsNotAPositiveLong(String numberId, String given) {
        Invalid invalid = invalid(command("create", numberId, "\"+221771234567\"", null), "application/json");

        assertThat(invalid.reason())
                .isEqualTo("numberId must be a positive integer (or its decimal digits as a string), was " + given);
        assertThat(invalid.numberId()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"\"14\"|14", "\"6\"|6", "\"9223372036854775807\"|9223372036854775807"})
    void readsANumberIdWrittenAsItsDecimalDigits(String numberId, long expected) {
        // PHP and JavaScript backends often send ids as strings: "14" is number 14, and its events say 14.
        assertThat(valid(command("create", numberId, "\"+221771234567\"", null), "application/json")
                .command().numberId()).isEqualTo(expected);
    }

    @Test
    void readsTheLargestNumberId() {
        assertThat(valid(command("close", "9223372036854775807", "\"+221771234567\"", null), null)
                .command().numberId()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void namesAMissingNumberId() {
        Invalid invalid = invalid("{\"action\":\"create\",\"data\":{\"phoneNumber\":\"+221771234567\"}}", null);

        assertThat(invalid.reason()).isEqualTo("missing data.numberId");
        assertThat(invalid.phoneNumber()).contains("+221771234567");
    }

    @ParameterizedTest
    @ValueSource(strings = {"12345678", "+12345678", "123456789012345", "+221771234567"})
    void acceptsPhoneNumbersOfEightToFifteenDigits(String phoneNumber) {
        assertThat(valid(command("create", "6", "\"" + phoneNumber + "\"", null), null).command().phoneNumber())
                .isEqualTo(phoneNumber);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567", "1234567890123456", "++12345678", "221 77 123 45 67", "+22177abc4567",
            "12345678\\n", "", "٠١٢٣٤٥٦٧٨"})
    void refusesOtherPhoneNumbersButKeepsTheNumberIdAndTheTextAsGiven(String phoneNumber) {
        Invalid invalid = invalid(command("create", "6", "\"" + phoneNumber + "\"", null), null);

        assertThat(invalid.reason()).startsWith("phoneNumber must be an optional + and 8 to 15 digits, was the string");
        assertThat(invalid.numberId()).isEqualTo(OptionalLong.of(6));
        assertThat(invalid.phoneNumber()).contains(phoneNumber.replace("\\n", "\n"));
    }

    @Test
    void refusesAPhoneNumberGivenAsANumber() {
        Invalid invalid = invalid(command("create", "6", "221771234567", null), null);

        assertThat(invalid.reason()).isEqualTo("phoneNumber must be an optional + and 8 to 15 digits, was 221771234567");
        assertThat(invalid.phoneNumber()).isEmpty();
    }

    @Test
    void namesAMissingPhoneNumber() {
        assertThat(invalid("{\"action\":\"create\",\"data\":{\"numberId\":6}}", null).reason())
                .isEqualTo("missing data.phoneNumber");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"worker-1\"|worker-1",
            "7|7",
            "0|0",
            "123456789012345678901234567890|123456789012345678901234567890"})
    void readsTheWorkerIdAsText(String workerId, String expected) {
        assertThat(valid(command("create", "6", "\"+221771234567\"", workerId), null).workerId()).contains(expected);
    }

    @Test
    void aNullWorkerIdMeansNone() {
        assertThat(valid(command("create", "6", "\"+221771234567\"", "null"), null).workerId()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"  \"", "1.5", "true", "[]", "{}"})
    void refusesAWorkerIdThatIsNeitherANonBlankStringNorAnInteger(String workerId) {
        Invalid invalid = invalid(command("create", "6", "\"+221771234567\"", workerId), null);

        assertThat(invalid.reason()).startsWith("workerId must be a non-blank string or an integer, was ");
        assertThat(invalid.numberId()).isEqualTo(OptionalLong.of(6));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "create|\"code\"|CREATE|CODE",
            "validate|\"code\"|CREATE|CODE",
            "regenerate_qr|\"code\"|REGENERATE_QR|CODE",
            "reconnect|\"code\"|RECONNECT|CODE",
            "create|\"qr\"|CREATE|QR",
            "create|null|CREATE|QR"})
    void readsThePairingMethod(String action, String pairingMethod, Type type, PairingMethod expected) {
        String body = "{\"action\":\"" + action + "\",\"data\":{\"numberId\":6,\"phoneNumber\":\"+221771234567\","
                + "\"pairingMethod\":" + pairingMethod + "}}";

        assertThat(valid(body, null).command())
                .isEqualTo(new SessionCommand(type, 6, "+221771234567", expected, Optional.empty()));
    }

    @Test
    void withoutPairingMethodTheNumberPairsByQr() {
        assertThat(valid(CREATE_6, null).command().pairingMethod()).isEqualTo(PairingMethod.QR);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"sms\"|the string 'sms'",
            "\"CODE\"|the string 'CODE'",
            "\"\"|the string ''",
            "1|1",
            "true|true",
            "[\"code\"]|an array",
            "{}|an object"})
    void refusesAnyOtherPairingMethodAndKeepsTheNumber(String pairingMethod, String described) {
        String body = "{\"action\":\"create\",\"data\":{\"numberId\":6,\"phoneNumber\":\"+221771234567\","
                + "\"pairingMethod\":" + pairingMethod + "}}";

        Invalid invalid = invalid(body, null);

        assertThat(invalid.reason()).isEqualTo("pairingMethod must be \"qr\" or \"code\", was " + described);
        assertThat(invalid.numberId()).isEqualTo(OptionalLong.of(6));
        assertThat(invalid.phoneNumber()).contains("+221771234567");
    }

    @Test
    void refusesBytesThatAreNotUtf8() {
        byte[] latin1 = "{\"action\":\"create\",\"data\":{\"numberId\":6,\"phoneNumber\":\"+221771234567\",\"n\":\"é\"}}"
                .getBytes(StandardCharsets.ISO_8859_1);

        assertThat(invalid(latin1, null).reason()).isEqualTo("body is not valid UTF-8");
    }

    @Test
    void refusesAnEmptyBody() {
        assertThat(invalid(new byte[0], null).reason()).isEqualTo("empty body");
        assertThat(invalid((byte[]) null, null).reason()).isEqualTo("empty body");
        assertThat(invalid("  \n ", null).reason()).isEqualTo("empty body");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1,2]|body must be a JSON object, was an array",
            "42|body must be a JSON object, was 42",
            "null|body must be a JSON object, was null"})
    void refusesJsonThatIsNotAnObject(String body, String reason) {
        assertThat(invalid(body, null).reason()).isEqualTo(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"action\":\"create\"", CREATE_6 + " trailing",
            "{\"action\":\"create\",\"action\":\"close\",\"data\":{\"numberId\":6,\"phoneNumber\":\"+221771234567\"}}"})
    void refusesTextThatIsNotOneJsonDocument(String body) {
        assertThat(invalid(body, null).reason()).startsWith("body is not JSON: ");
    }

    @Test
    void refusesDeeplyNestedJsonWithoutFailingOrNamingTheParsersInternals() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);

        assertThat(invalid(deep, null).reason()).isEqualTo("body is not JSON: nested too deeply, or a number, name "
                + "or text too long, for a command");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json|body is not JSON: malformed JSON (line 1, column 1)",
            "{\"action\":\"create\"|body is not JSON: it ends before the JSON value is complete (line 1, column 19)",
            "{\"a\":1,\"a\":2}|body is not JSON: a property appears twice in one object (line 1, column 11)",
            "{} []|body is not JSON: more follows the JSON value (line 1, column 4)"})
    void saysWhatIsWrongWithJsonInItsOwnWords(String body, String reason) {
        assertThat(invalid(body, null).reason()).isEqualTo(reason);
    }

    @Test
    void escapesControlCharactersInWhatItQuotes() {
        Invalid invalid = invalid(command("create\\r\\nINFO forged line\\u0000\\u202e", "6", "\"+221771234567\"", null),
                null);

        assertThat(invalid.reason()).isEqualTo("unknown action 'create\\r\\nINFO forged line\\0\\u202e'");
    }

    @Test
    void keepsTheActionOfACommandThatIsWrongElsewhere() {
        assertThat(invalid(command("close", "\"six\"", "\"+221771234567\"", null), null).action())
                .contains(Type.CLOSE);
        assertThat(invalid(command("validate", "6", "\"12ab\"", null), null).action()).contains(Type.CREATE);
        assertThat(invalid(command("bogus", "6", "\"+221771234567\"", null), null).action()).isEmpty();
        assertThat(invalid("not json", null).action()).isEmpty();
    }

    private ParsedCommand valid(String body, String contentType) {
        ParseResult result = parser.parse(bytes(body), contentType);
        assertThat(result).isInstanceOf(Valid.class);
        return ((Valid) result).command();
    }

    private Invalid invalid(String body, String contentType) {
        return invalid(bytes(body), contentType);
    }

    private Invalid invalid(byte[] body, String contentType) {
        ParseResult result = parser.parse(body, contentType);
        assertThat(result).isInstanceOf(Invalid.class);
        return (Invalid) result;
    }

    private static String command(String action, String numberId, String phoneNumber, String workerId) {
        return "{\"action\":\"" + action + "\",\"data\":{\"numberId\":" + numberId + ",\"phoneNumber\":" + phoneNumber
                + (workerId == null ? "" : ",\"workerId\":" + workerId) + "},\"timestamp\":1765029100000}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
