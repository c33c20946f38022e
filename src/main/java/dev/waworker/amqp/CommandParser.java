package dev.waworker.amqp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

import dev.waworker.amqp.ParseResult.Ignored;
import dev.waworker.amqp.ParseResult.Invalid;
import dev.waworker.amqp.ParseResult.Resync;
import dev.waworker.amqp.ParseResult.Valid;
import dev.waworker.session.PairingMethod;
import dev.waworker.session.SessionCommand;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a command message of the contract into a {@link ParseResult}. A pure function of the body and the
 * content type: it never throws, whatever the bytes, so that no message can crash or block the consumer.
 *
 * <p>Accepted, as the backends in the field publish them: content type {@code application/json},
 * {@code text/plain} or none (Spring's {@code application/octet-stream} counting as none; parameters such as
 * {@code charset} are ignored: the contract is UTF-8), and a body
 * that is either the JSON object or a JSON string holding it (a Spring {@code RabbitTemplate} sending a String
 * through a JSON converter), unwrapped once.
 */
public final class CommandParser {

    /**
     * {@code application/octet-stream} is what Spring AMQP stamps on a raw {@code Message} whose sender set no
     * content type: for such a backend it means "none", which the contract accepts.
     */
    private static final Set<String> ACCEPTED_MEDIA_TYPES =
            Set.of("application/json", "text/plain", "application/octet-stream");
    private static final Pattern PHONE_NUMBER = Pattern.compile("\\+?[0-9]{8,15}");
    /**
     * A number id written as text, as many PHP and JavaScript backends send it ({@code "14"}): the decimal digits
     * of a positive integer, nothing else (no sign, spaces, leading zeros or fraction), so that one id has one
     * spelling.
     */
    private static final Pattern NUMBER_ID_TEXT = Pattern.compile("[1-9][0-9]{0,18}");
    /** Long enough to recognise a value in a dead-letter header, short enough not to copy a body into it. */
    private static final int MAX_QUOTED_CHARS = 64;
    /** A resync's {@code requestId} is echoed on each of its events: an id, not a document. */
    static final int MAX_REQUEST_ID_CHARS = 128;

    // Duplicate keys ({"action":"create","action":"close"}) and text after the object are ambiguous: refuse
    // them rather than guess which part the sender meant.
    private final JsonMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * @param body        the message body, any bytes
     * @param contentType the message's {@code content_type}, {@code null} when it has none
     */
    public ParseResult parse(byte[] body, String contentType) {
        if (!isAccepted(contentType)) {
            return invalid("unsupported content type " + quote(contentType)
                    + " (expected application/json, text/plain, application/octet-stream or none)");
        }
        if (body == null || body.length == 0) {
            return invalid("empty body");
        }
        Optional<String> text = decodeUtf8(body);
        if (text.isEmpty()) {
            return invalid("body is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = json.readTree(text.get());
        } catch (JacksonException e) {
            return invalid("body is not JSON: " + JsonProblems.describe(e));
        }
        if (root.isString()) {
            // The command travelled as JSON text inside a JSON string: read that text (once, never again).
            try {
                root = json.readTree(root.stringValue());
            } catch (JacksonException e) {
                return invalid("body is a JSON string that does not hold JSON: " + JsonProblems.describe(e));
            }
        }
        if (root.isMissingNode()) {
            return invalid("empty body");
        }
        if (!root.isObject()) {
            return invalid("body must be a JSON object, was " + describe(root));
        }
        return classify(root);
    }

    private static ParseResult classify(JsonNode root) {
        JsonNode action = root.path("action");
        if (action.isString() && action.stringValue().equals("worker_status")) {
            return new Ignored("worker_status messages are workers' own announcements");
        }
        JsonNode data = root.path("data");
        OptionalLong numberId = readNumberId(data.path("numberId"));
        JsonNode phone = data.path("phoneNumber");
        Optional<String> phoneAsGiven = phone.isString() ? Optional.of(phone.stringValue()) : Optional.empty();

        Optional<SessionCommand.Type> knownAction =
                action.isString() ? Optional.ofNullable(commandType(action.stringValue())) : Optional.empty();

        if (knownAction.equals(Optional.of(SessionCommand.Type.STATUS))) {
            return classifyStatus(data, numberId, phone, phoneAsGiven);
        }
        String problem = findProblem(action, data, numberId, phone);
        if (problem != null) {
            return new Invalid(problem, knownAction, numberId, phoneAsGiven);
        }
        JsonNode workerId = data.path("workerId");
        if (!isAbsent(workerId) && !isValidWorkerId(workerId)) {
            return new Invalid("workerId must be a non-blank string or an integer, was " + describe(workerId),
                    knownAction, numberId, phoneAsGiven);
        }
        JsonNode pairingMethodNode = data.path("pairingMethod");
        Optional<PairingMethod> pairingMethod = readPairingMethod(pairingMethodNode);
        if (pairingMethod.isEmpty()) {
            return new Invalid("pairingMethod must be \"qr\" or \"code\", was " + describe(pairingMethodNode),
                    knownAction, numberId, phoneAsGiven);
        }
        SessionCommand command = new SessionCommand(commandType(action.stringValue()), numberId.getAsLong(),
                phone.stringValue(), pairingMethod.get(), Optional.empty());
        return new Valid(new ParsedCommand(command, readWorkerId(workerId)));
    }

    /**
     * {@code status} (ours): for one number ({@code data.numberId}; {@code phoneNumber} optional), or, without a
     * number, a resync of all of them ({@code data} itself optional), tagged with {@code data.requestId} if given.
     */
    private static ParseResult classifyStatus(JsonNode data, OptionalLong numberId, JsonNode phone,
            Optional<String> phoneAsGiven) {
        Optional<SessionCommand.Type> status = Optional.of(SessionCommand.Type.STATUS);
        if (!data.isMissingNode() && !data.isObject()) {
            return new Invalid("data must be a JSON object, was " + describe(data), status, numberId, phoneAsGiven);
        }
        JsonNode requestId = data.path("requestId");
        if (!isAbsent(requestId) && !(requestId.isString() && !requestId.stringValue().isBlank()
                && requestId.stringValue().length() <= MAX_REQUEST_ID_CHARS)) {
            return new Invalid("requestId must be a non-blank string of at most " + MAX_REQUEST_ID_CHARS
                    + " characters, was " + describe(requestId), status, numberId, phoneAsGiven);
        }
        Optional<String> request = isAbsent(requestId) ? Optional.empty() : Optional.of(requestId.stringValue());
        JsonNode given = data.path("numberId");
        if (isAbsent(given)) {
            return new Resync(request);
        }
        if (numberId.isEmpty()) {
            return new Invalid("numberId must be a positive integer (or its decimal digits as a string), was "
                    + describe(given), status, numberId, phoneAsGiven);
        }
        if (!isAbsent(phone) && !(phone.isString() && PHONE_NUMBER.matcher(phone.stringValue()).matches())) {
            return new Invalid("phoneNumber must be an optional + and 8 to 15 digits, was " + describe(phone), status,
                    numberId, phoneAsGiven);
        }
        JsonNode workerId = data.path("workerId");
        if (!isAbsent(workerId) && !isValidWorkerId(workerId)) {
            return new Invalid("workerId must be a non-blank string or an integer, was " + describe(workerId),
                    status, numberId, phoneAsGiven);
        }
        return new Valid(new ParsedCommand(new SessionCommand(SessionCommand.Type.STATUS, numberId.getAsLong(),
                phoneAsGiven.orElse(""), PairingMethod.QR, Optional.empty()), readWorkerId(workerId)));
    }

    /**
     * {@code data.pairingMethod} (ours, additive): absent or null means QR, the contract's only way; empty when
     * the value is neither {@code "qr"} nor {@code "code"}. Checked on every action, so that a mistyped value is
     * reported rather than silently paired by QR.
     */
    private static Optional<PairingMethod> readPairingMethod(JsonNode node) {
        if (isAbsent(node)) {
            return Optional.of(PairingMethod.QR);
        }
        if (!node.isString()) {
            return Optional.empty();
        }
        return switch (node.stringValue()) {
            case "qr" -> Optional.of(PairingMethod.QR);
            case "code" -> Optional.of(PairingMethod.CODE);
            default -> Optional.empty();
        };
    }

    /** The first thing wrong with the command's required fields, or {@code null} when they are all right. */
    private static String findProblem(JsonNode action, JsonNode data, OptionalLong numberId, JsonNode phone) {
        if (action.isMissingNode()) {
            return "missing action";
        }
        if (!action.isString()) {
            return "action must be a string, was " + describe(action);
        }
        if (commandType(action.stringValue()) == null) {
            return "unknown action " + quote(action.stringValue());
        }
        if (data.isMissingNode()) {
            return "missing data";
        }
        if (!data.isObject()) {
            return "data must be a JSON object, was " + describe(data);
        }
        if (numberId.isEmpty()) {
            JsonNode given = data.path("numberId");
            return given.isMissingNode()
                    ? "missing data.numberId"
                    : "numberId must be a positive integer (or its decimal digits as a string), was " + describe(given);
        }
        if (phone.isMissingNode()) {
            return "missing data.phoneNumber";
        }
        if (!phone.isString() || !PHONE_NUMBER.matcher(phone.stringValue()).matches()) {
            return "phoneNumber must be an optional + and 8 to 15 digits, was " + describe(phone);
        }
        return null;
    }

    private static SessionCommand.Type commandType(String action) {
        return switch (action) {
            case "create", "validate" -> SessionCommand.Type.CREATE;
            case "regenerate_qr" -> SessionCommand.Type.REGENERATE_QR;
            case "close" -> SessionCommand.Type.CLOSE;
            case "reconnect" -> SessionCommand.Type.RECONNECT;
            case "status" -> SessionCommand.Type.STATUS;
            default -> null;
        };
    }

    /** A positive 64-bit integer, given as a JSON integer or as a string of its decimal digits. */
    private static OptionalLong readNumberId(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() > 0) {
            return OptionalLong.of(node.longValue());
        }
        if (node.isString() && NUMBER_ID_TEXT.matcher(node.stringValue()).matches()) {
            try {
                return OptionalLong.of(Long.parseLong(node.stringValue()));
            } catch (NumberFormatException beyondLong) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    private static boolean isAbsent(JsonNode node) {
        return node.isMissingNode() || node.isNull();
    }

    private static boolean isValidWorkerId(JsonNode node) {
        return node.isIntegralNumber() || (node.isString() && !node.stringValue().isBlank());
    }

    private static Optional<String> readWorkerId(JsonNode node) {
        if (isAbsent(node)) {
            return Optional.empty();
        }
        // An integer id names the same worker as its decimal text: worker 7 owns whatsapp.session.update.7.
        return Optional.of(node.isString() ? node.stringValue() : node.bigIntegerValue().toString());
    }

    private static boolean isAccepted(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = parameters < 0 ? contentType : contentType.substring(0, parameters);
        return ACCEPTED_MEDIA_TYPES.contains(mediaType.strip().toLowerCase(Locale.ROOT));
    }

    private static Optional<String> decodeUtf8(byte[] body) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** A short description of a JSON value for an error message: its text for scalars, its kind otherwise. */
    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "the string " + quote(node.stringValue());
            case NUMBER, BOOLEAN -> truncate(node.toString());
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** The text between quotes, shortened, with its control characters escaped: it goes into logs and headers. */
    private static String quote(String text) {
        return text == null ? "none" : "'" + Printable.escape(truncate(text)) + "'";
    }

    private static String truncate(String text) {
        return text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    private static Invalid invalid(String reason) {
        return new Invalid(reason, Optional.empty(), OptionalLong.empty(), Optional.empty());
    }
}
