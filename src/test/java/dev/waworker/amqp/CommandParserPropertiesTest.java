package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import dev.waworker.amqp.ParseResult.Ignored;
import dev.waworker.amqp.ParseResult.Invalid;
import dev.waworker.amqp.ParseResult.Resync;
import dev.waworker.amqp.ParseResult.Valid;
import dev.waworker.session.PairingMethod;
import dev.waworker.session.SessionCommand;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Properties of {@link CommandParser} over generated input: it classifies anything without throwing, reads back
 * every valid command in each way backends encode it, and keeps the number id exactly when it can be read.
 */
class CommandParserPropertiesTest {

    private static final Set<String> ACTIONS =
            Set.of("create", "validate", "regenerate_qr", "close", "reconnect", "status", "worker_status");
    private static final Pattern PHONE_NUMBER = Pattern.compile("\\+?[0-9]{8,15}");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** What must never reach a log line or a header raw: controls, separators, format characters, lone surrogates. */
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}\\p{Co}\\p{Cn}]");

    private final CommandParser parser = new CommandParser();

    /** How a backend may put a command on the wire. */
    enum Wrapping {
        PLAIN, PRETTY, JSON_STRING
    }

    /** A well-formed command, as the backend means it. */
    record WireCommand(String action, long numberId, String phoneNumber, WorkerId workerId,
                       PairingMethodField pairingMethod) {

        ObjectNode toJson() {
            ObjectNode root = JSON.createObjectNode();
            root.put("action", action);
            ObjectNode data = root.putObject("data");
            data.put("numberId", numberId);
            data.put("phoneNumber", phoneNumber);
            workerId.writeTo(data);
            pairingMethod.writeTo(data);
            root.put("timestamp", 1_765_029_100_000L);
            return root;
        }

        SessionCommand.Type expectedType() {
            return switch (action) {
                case "create", "validate" -> SessionCommand.Type.CREATE;
                case "regenerate_qr" -> SessionCommand.Type.REGENERATE_QR;
                case "close" -> SessionCommand.Type.CLOSE;
                case "reconnect" -> SessionCommand.Type.RECONNECT;
                default -> throw new IllegalStateException(action);
            };
        }
    }

    /** {@code data.workerId}: left out, null, a string, or an integer. */
    sealed interface WorkerId {
        void writeTo(ObjectNode data);

        Optional<String> expected();

        record Absent() implements WorkerId {
            public void writeTo(ObjectNode data) {
            }

            public Optional<String> expected() {
                return Optional.empty();
            }
        }

        record Null() implements WorkerId {
            public void writeTo(ObjectNode data) {
                data.putNull("workerId");
            }

            public Optional<String> expected() {
                return Optional.empty();
            }
        }

        record Text(String id) implements WorkerId {
            public void writeTo(ObjectNode data) {
                data.put("workerId", id);
            }

            public Optional<String> expected() {
                return Optional.of(id);
            }
        }

        record Number(long id) implements WorkerId {
            public void writeTo(ObjectNode data) {
                data.put("workerId", id);
            }

            public Optional<String> expected() {
                return Optional.of(Long.toString(id));
            }
        }
    }

    /** {@code data.pairingMethod}: left out, null (both meaning QR), or one of the two accepted values. */
    enum PairingMethodField {
        ABSENT(PairingMethod.QR),
        NULL(PairingMethod.QR),
        QR(PairingMethod.QR),
        CODE(PairingMethod.CODE);

        private final PairingMethod expected;

        PairingMethodField(PairingMethod expected) {
            this.expected = expected;
        }

        void writeTo(ObjectNode data) {
            switch (this) {
                case ABSENT -> {
                }
                case NULL -> data.putNull("pairingMethod");
                case QR -> data.put("pairingMethod", "qr");
                case CODE -> data.put("pairingMethod", "code");
            }
        }

        PairingMethod expected() {
            return expected;
        }
    }

    /** One thing made wrong in an otherwise valid command; named, so that a failing sample reads clearly. */
    record Breakage(String description, Consumer<ObjectNode> apply) {
        @Override
        public String toString() {
            return description;
        }
    }

    @Property(tries = 3000)
    void classifiesAnyInputIntoExactlyOneOutcomeWithoutThrowing(
            @ForAll("anyBody") byte[] body, @ForAll("anyContentType") String contentType) {
        ParseResult result = parser.parse(body, contentType);

        assertThat(result).isNotNull();
        int outcomes = (result instanceof Valid ? 1 : 0) + (result instanceof Ignored ? 1 : 0)
                + (result instanceof Invalid ? 1 : 0) + (result instanceof Resync ? 1 : 0);
        assertThat(outcomes).isEqualTo(1);
        Statistics.collect(result.getClass().getSimpleName());
        Statistics.coverage(coverage -> {
            coverage.check("Valid").percentage(percent -> percent > 3);
            coverage.check("Ignored").percentage(percent -> percent > 3);
            coverage.check("Invalid").percentage(percent -> percent > 50);
        });
        switch (result) {
            case Valid(ParsedCommand parsed) -> {
                assertThat(parsed.command().numberId()).isPositive();
                boolean statusWithoutPhone = parsed.command().type() == SessionCommand.Type.STATUS
                        && parsed.command().phoneNumber().isEmpty();
                if (!statusWithoutPhone) {
                    assertThat(parsed.command().phoneNumber()).matches(PHONE_NUMBER);
                }
                parsed.workerId().ifPresent(id -> assertThat(id).isNotBlank());
            }
            case Resync(Optional<String> requestId) -> requestId.ifPresent(id -> assertThat(id).isNotBlank());
            case Ignored(String reason) -> assertThat(reason).isNotBlank();
            case Invalid(String reason, Optional<SessionCommand.Type> action, OptionalLong numberId,
                         Optional<String> phone) -> {
                assertThat(reason).isNotBlank();
                assertThat(reason).as("goes into logs and x-error headers as it is")
                        .doesNotContainPattern(UNPRINTABLE)
                        .doesNotContainIgnoringCase("jackson")
                        .doesNotContain("StreamReadConstraints", "Exception", "getMax", "()");
                numberId.ifPresent(id -> assertThat(id).isPositive());
            }
        }
    }

    @Property(tries = 1000)
    void readsBackEveryValidCommandInEveryAcceptedEncoding(
            @ForAll("validCommands") WireCommand wire,
            @ForAll Wrapping wrapping,
            @ForAll("acceptedContentType") String contentType) {
        ParseResult result = parser.parse(encode(wire.toJson(), wrapping), contentType);

        assertThat(result).isEqualTo(new Valid(new ParsedCommand(
                new SessionCommand(wire.expectedType(), wire.numberId(), wire.phoneNumber(),
                        wire.pairingMethod().expected(), Optional.empty()),
                wire.workerId().expected())));
    }

    @Property(tries = 1000)
    void keepsTheNumberIdWhenItIsValidButSomethingElseIsBroken(
            @ForAll("validCommands") WireCommand wire,
            @ForAll("breakagesKeepingTheNumberId") Breakage breakage,
            @ForAll Wrapping wrapping) {
        ObjectNode json = wire.toJson();
        breakage.apply().accept(json);

        ParseResult result = parser.parse(encode(json, wrapping), "application/json");

        assertThat(result).isInstanceOf(Invalid.class);
        Invalid invalid = (Invalid) result;
        assertThat(invalid.numberId()).isEqualTo(OptionalLong.of(wire.numberId()));
        var phone = json.get("data").get("phoneNumber");
        assertThat(invalid.phoneNumber())
                .isEqualTo(phone != null && phone.isString() ? Optional.of(phone.stringValue()) : Optional.empty());
    }

    @Property(tries = 300)
    void readsANumberIdGivenAsTheStringOfItsDigitsAsTheSameNumber(@ForAll("validCommands") WireCommand wire) {
        ObjectNode json = wire.toJson();
        data(json).put("numberId", Long.toString(wire.numberId()));

        ParseResult result = parser.parse(encode(json, Wrapping.PLAIN), "application/json");

        assertThat(result).isInstanceOf(Valid.class);
        assertThat(((Valid) result).command().command().numberId()).isEqualTo(wire.numberId());
    }

    @Property(tries = 1000)
    void readsNoNumberIdWhenTheNumberIdIsBroken(
            @ForAll("validCommands") WireCommand wire,
            @ForAll("numberIdBreakages") Breakage breakage,
            @ForAll Wrapping wrapping) {
        ObjectNode json = wire.toJson();
        breakage.apply().accept(json);

        ParseResult result = parser.parse(encode(json, wrapping), null);

        assertThat(result).isInstanceOf(Invalid.class);
        assertThat(((Invalid) result).numberId()).isEmpty();
    }

    @Provide
    Arbitrary<WireCommand> validCommands() {
        Arbitrary<String> actions = Arbitraries.of("create", "validate", "regenerate_qr", "close", "reconnect");
        Arbitrary<Long> numberIds = Arbitraries.longs().between(1, Long.MAX_VALUE);
        return Combinators.combine(actions, numberIds, phoneNumbers(), workerIds(),
                Arbitraries.of(PairingMethodField.class)).as(WireCommand::new);
    }

    @Provide
    Arbitrary<String> acceptedContentType() {
        return Arbitraries.of("application/json", "text/plain", "", "application/json; charset=utf-8",
                "TEXT/PLAIN").injectNull(0.25);
    }

    @Provide
    Arbitrary<String> anyContentType() {
        return Arbitraries.oneOf(acceptedContentType(), Arbitraries.strings().ofMaxLength(40));
    }

    @Provide
    Arbitrary<byte[]> anyBody() {
        Arbitrary<byte[]> randomBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> jsonLikeText = Arbitraries.strings()
                .withChars("{}[]\":,0123456789-+.eEtrufalsn \\")
                .ofMaxLength(120)
                .map(text -> text.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> damagedCommands = Combinators.combine(validCommands(), Arbitraries.of(Wrapping.values()),
                        Arbitraries.integers().between(0, 400), Arbitraries.bytes())
                .as((wire, wrapping, position, replacement) -> {
                    byte[] bytes = encode(wire.toJson(), wrapping);
                    bytes[position % bytes.length] = replacement;
                    return bytes;
                });
        Arbitrary<byte[]> truncatedCommands = Combinators.combine(validCommands(), Arbitraries.of(Wrapping.values()),
                        Arbitraries.integers().between(0, 400))
                .as((wire, wrapping, length) -> {
                    byte[] bytes = encode(wire.toJson(), wrapping);
                    return Arrays.copyOf(bytes, Math.min(length, bytes.length));
                });
        Arbitrary<byte[]> workerStatus = Arbitraries.just(
                "{\"action\":\"worker_status\",\"data\":{\"workerId\":\"w2\"}}".getBytes(StandardCharsets.UTF_8));
        // Fields a sender could use to forge log lines or hide text: any character, controls and separators included.
        Arbitrary<byte[]> hostileFields = Combinators.combine(validCommands(),
                        Arbitraries.of("action", "phoneNumber", "workerId", "pairingMethod", "numberId"),
                        Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(80))
                .as((wire, field, value) -> {
                    ObjectNode json = wire.toJson();
                    (field.equals("action") ? json : data(json)).put(field, value);
                    return encode(json, Wrapping.PLAIN);
                });
        Arbitrary<byte[]> deeplyNested = Arbitraries.integers().between(500, 5000)
                .map(depth -> ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(randomBytes, jsonLikeText, damagedCommands, truncatedCommands, workerStatus,
                hostileFields, deeplyNested,
                validCommands().map(wire -> encode(wire.toJson(), Wrapping.PLAIN)));
    }

    @Provide
    Arbitrary<Breakage> breakagesKeepingTheNumberId() {
        Arbitrary<Breakage> unknownAction = text().filter(action -> !ACTIONS.contains(action))
                .map(action -> breakage("action '" + action + "'", root -> root.put("action", action)));
        Arbitrary<Breakage> actionNotText = Arbitraries.integers()
                .map(action -> breakage("action " + action, root -> root.put("action", action)));
        Arbitrary<Breakage> badPhoneText = text().filter(phone -> !PHONE_NUMBER.matcher(phone).matches())
                .map(phone -> breakage("phoneNumber '" + phone + "'", root -> data(root).put("phoneNumber", phone)));
        Arbitrary<Breakage> phoneAsNumber = Arbitraries.longs()
                .map(phone -> breakage("phoneNumber " + phone, root -> data(root).put("phoneNumber", phone)));
        Arbitrary<Breakage> badWorkerId = Arbitraries.oneOf(
                Arbitraries.strings().whitespace().ofMaxLength(5)
                        .map(id -> breakage("workerId '" + id + "'", root -> data(root).put("workerId", id))),
                Arbitraries.doubles()
                        .map(id -> breakage("workerId " + id, root -> data(root).put("workerId", id))),
                Arbitraries.of(true, false)
                        .map(id -> breakage("workerId " + id, root -> data(root).put("workerId", id))));
        Arbitrary<Breakage> badPairingMethod = Arbitraries.oneOf(
                text().filter(method -> !method.equals("qr") && !method.equals("code"))
                        .map(method -> breakage("pairingMethod '" + method + "'",
                                root -> data(root).put("pairingMethod", method))),
                Arbitraries.integers()
                        .map(method -> breakage("pairingMethod " + method,
                                root -> data(root).put("pairingMethod", method))));
        return Arbitraries.oneOf(unknownAction, actionNotText, badPhoneText, phoneAsNumber, badWorkerId,
                badPairingMethod,
                Arbitraries.just(breakage("no action", root -> root.remove("action"))),
                Arbitraries.just(breakage("no phoneNumber", root -> data(root).remove("phoneNumber"))));
    }

    @Provide
    Arbitrary<Breakage> numberIdBreakages() {
        return Arbitraries.oneOf(
                Arbitraries.just(breakage("no numberId", root -> data(root).remove("numberId"))),
                Arbitraries.just(breakage("numberId null", root -> data(root).putNull("numberId"))),
                Arbitraries.longs().between(Long.MIN_VALUE, 0)
                        .map(id -> breakage("numberId " + id, root -> data(root).put("numberId", id))),
                Arbitraries.bigIntegers().between(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE),
                                BigInteger.TEN.pow(40))
                        .map(id -> breakage("numberId " + id, root -> data(root).put("numberId", id))),
                Arbitraries.doubles()
                        .map(id -> breakage("numberId " + id, root -> data(root).put("numberId", id))),
                // Text other than a positive long's plain decimal digits (those are read: see the property above).
                Combinators.combine(Arbitraries.longs().between(0, Long.MAX_VALUE),
                                Arbitraries.of("0%d", "+%d", "-%d", " %d", "%d ", "%d.0", "%de0", "0x%x"))
                        .as((id, format) -> String.format(Locale.ROOT, format, id))
                        .map(id -> breakage("numberId '" + id + "'", root -> data(root).put("numberId", id))),
                Arbitraries.just(breakage("numberId '0'", root -> data(root).put("numberId", "0"))),
                Arbitraries.bigIntegers().between(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE),
                                BigInteger.TEN.pow(40))
                        .map(id -> breakage("numberId '" + id + "'",
                                root -> data(root).put("numberId", id.toString()))));
    }

    private static Arbitrary<String> phoneNumbers() {
        return Combinators.combine(Arbitraries.of("", "+"),
                        Arbitraries.strings().numeric().ofMinLength(8).ofMaxLength(15))
                .as(String::concat);
    }

    private static Arbitrary<WorkerId> workerIds() {
        return Arbitraries.oneOf(
                Arbitraries.just(new WorkerId.Absent()),
                Arbitraries.just(new WorkerId.Null()),
                text().filter(id -> !id.isBlank()).map(WorkerId.Text::new),
                Arbitraries.longs().map(WorkerId.Number::new));
    }

    /** Any text without surrogates: a lone surrogate cannot be encoded as UTF-8, so no backend can send one. */
    private static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(20);
    }

    private static ObjectNode data(ObjectNode root) {
        return (ObjectNode) root.get("data");
    }

    private static Breakage breakage(String description, Consumer<ObjectNode> apply) {
        return new Breakage(description, apply);
    }

    private static byte[] encode(ObjectNode json, Wrapping wrapping) {
        String text = switch (wrapping) {
            case PLAIN -> JSON.writeValueAsString(json);
            case PRETTY -> JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
            case JSON_STRING -> JSON.writeValueAsString(JSON.writeValueAsString(json));
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
