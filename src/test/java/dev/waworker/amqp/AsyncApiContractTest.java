package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.util.unit.DataSize;

import dev.waworker.config.WorkerProperties;
import dev.waworker.session.ErrorCode;
import dev.waworker.session.EventHeader;
import dev.waworker.session.NumberStatus;
import dev.waworker.session.PairingMethod;
import dev.waworker.session.WorkerEvent;
import dev.waworker.testing.AsyncApiContract;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/asyncapi.yaml against the code: the command fixtures the schema accepts are exactly those the parser
 * accepts, every kind of event the worker writes fits its message, and the enums name every action and code.
 * (The integration tests check every event they receive too, through {@link BackendProbe}.)
 */
class AsyncApiContractTest {

    private static final Path FIXTURES = Path.of("src/test/resources/contract/commands");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AsyncApiContract CONTRACT = AsyncApiContract.get();
    private static final Instant AT = Instant.ofEpochMilli(1_765_029_000_123L);
    private static final EventHeader HEADER = new EventHeader(6, "session_6_+221771234567", AT, Optional.empty());

    private final CommandParser parser = new CommandParser();

    @ParameterizedTest(name = "{0}")
    @MethodSource("validCommands")
    void theSchemaAndTheParserAcceptEachValidCommandFixture(String name, String body) {
        assertThat(CONTRACT.problemsWithCommand(JSON.readTree(body))).isEmpty();
        assertThat(parser.parse(body.getBytes(StandardCharsets.UTF_8), "application/json"))
                .isInstanceOfAny(ParseResult.Valid.class, ParseResult.Resync.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCommands")
    void theSchemaAndTheParserRefuseEachInvalidCommandFixture(String name, String body) {
        assertThat(CONTRACT.problemsWithCommand(JSON.readTree(body))).isNotEmpty();
        assertThat(parser.parse(body.getBytes(StandardCharsets.UTF_8), "application/json")).isInstanceOf(ParseResult.Invalid.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyKindOfEvent")
    void everyKindOfEventTheWorkerWritesFitsItsMessage(String action, WorkerEvent event) {
        JsonNode body = JSON.readTree(new EventMessages("worker-1").toMessage(event).getBody());

        assertThat(body.path("action").asString()).isEqualTo(action);
        assertThat(CONTRACT.problemsWithEvent(body)).isEmpty();
    }

    @Test
    void aBrokenEventIsCaught() {
        JsonNode body = JSON.readTree(new EventMessages("worker-1").toMessage(
                new WorkerEvent.QrGenerated(HEADER, "https://example.com/qr.png", AT, 0)).getBody());

        assertThat(CONTRACT.problemsWithEvent(body)).hasSize(2)
                .anySatisfy(problem -> assertThat(problem).contains("/qrCode"))
                .anySatisfy(problem -> assertThat(problem).contains("/qrIndex"));
    }

    @Test
    void theErrorCodeEnumNamesEveryCodeOfTheWorkerAndThoseOtherBranchesAdd() {
        Set<String> documented = texts(schema("Error").path("allOf").get(1).path("properties").path("code").path("enum"));

        assertThat(documented).containsAll(Arrays.stream(ErrorCode.values()).map(Enum::name).toList())
                .contains("PASSKEY_REQUIRED", "INTERNAL_ERROR");
    }

    @Test
    void theActionEnumsAreTheContracts() {
        assertThat(texts(schema("Command").path("properties").path("action").path("enum"))).containsExactlyInAnyOrder(
                "create", "validate", "regenerate_qr", "close", "reconnect", "status", "worker_status");
        assertThat(texts(schema("EventHeader").path("properties").path("action").path("enum")))
                .containsExactlyInAnyOrderElementsOf(everyKindOfEvent().map(arguments -> (String) arguments.get()[0])
                        .distinct().toList());
    }

    @Test
    void theEventMetersAreRegisteredForEveryEventOfTheContract() {
        assertThat(EventMeterBaseline.ACTIONS).containsExactlyInAnyOrderElementsOf(
                texts(schema("EventHeader").path("properties").path("action").path("enum")));
    }

    @Test
    void itIsAsyncApi3AndNamesTheDefaultQueuesWithAmqpBindings() {
        JsonNode document = CONTRACT.document();
        WorkerProperties.Amqp defaults = new WorkerProperties.Amqp("whatsapp.session.update", "whatsapp.worker.events",
                "whatsapp.session.update.dlq", "whatsapp.session.update.", 50, null, 3,
                DataSize.ofKilobytes(64));

        assertThat(document.path("asyncapi").asString()).isEqualTo("3.0.0");
        List<String> addresses = new ArrayList<>();
        document.path("channels").forEach(channel -> {
            addresses.add(channel.path("address").asString());
            assertThat(channel.path("bindings").path("amqp").path("is").asString()).isEqualTo("queue");
        });
        assertThat(addresses).containsExactlyInAnyOrder(defaults.commandQueue(), defaults.workerQueue("{workerId}"),
                defaults.deadLetterQueue(), defaults.eventsQueue());
    }

    static Stream<Arguments> validCommands() throws IOException {
        return fixtures("valid");
    }

    static Stream<Arguments> invalidCommands() throws IOException {
        return fixtures("invalid");
    }

    static Stream<Arguments> everyKindOfEvent() {
        return Stream.of(
                Arguments.of("qr_generated", new WorkerEvent.QrGenerated(HEADER, "data:image/png;base64,iVBORw0KGgo=",
                        AT, 1)),
                Arguments.of("pairing_code", new WorkerEvent.PairingCode(HEADER, "ABCD-EFGH", AT)),
                Arguments.of("qr_regenerating", new WorkerEvent.QrRegenerating(HEADER, 1, 3,
                        "QR code expired. Generating new QR code (attempt 1/3)")),
                Arguments.of("connected", new WorkerEvent.Connected(HEADER, "+221771234567",
                        "221771234567:1@s.whatsapp.net", Optional.of("Session already connected. No QR needed."))),
                Arguments.of("disconnected", new WorkerEvent.Disconnected(HEADER, "closed by backend")),
                Arguments.of("error", new WorkerEvent.Error(HEADER, ErrorCode.PASSKEY_REQUIRED, "a passkey is needed")),
                Arguments.of("status", new WorkerEvent.Status(HEADER, new NumberStatus(6, HEADER.sessionId(),
                        NumberStatus.State.PAIRING, Optional.of(AT), Optional.of(PairingMethod.QR), 1, 2,
                        Optional.of(AT), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), 3,
                        Optional.of("data:image/png;base64,iVBORw0KGgo="), Optional.empty(), Optional.empty())),
                Arguments.of("status", new WorkerEvent.Status(HEADER, new NumberStatus(6, HEADER.sessionId(),
                        NumberStatus.State.FAILED, Optional.of(AT), Optional.empty(), 0, 0, Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.of(ErrorCode.QR_RETRIES_EXHAUSTED),
                        Optional.of("gave up")), 3, Optional.empty(), Optional.empty(), Optional.of("resync-1"))),
                Arguments.of("status", new WorkerEvent.Status(HEADER, new NumberStatus(6, HEADER.sessionId(),
                        NumberStatus.State.CONNECTED, Optional.of(AT), Optional.empty(), 0, 0, Optional.empty(),
                        Optional.of("221771234567:1@s.whatsapp.net"), Optional.of("+221771234567"), Optional.empty(),
                        Optional.empty()), 3, Optional.empty(), Optional.empty(), Optional.empty())),
                Arguments.of("status_end", new WorkerEvent.StatusEnd(new EventHeader(0, "", AT, Optional.empty()),
                        "resync-1", 3)));
    }

    @Test
    void aStatusOfAFailedNumberWithoutItsCodeIsCaught() {
        JsonNode body = JSON.readTree(new EventMessages("worker-1").toMessage(new WorkerEvent.Status(HEADER,
                new NumberStatus(6, HEADER.sessionId(), NumberStatus.State.FAILED, Optional.of(AT), Optional.empty(),
                        0, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of("gave up")), 3, Optional.empty(), Optional.empty(), Optional.empty())).getBody());

        assertThat(CONTRACT.problemsWithEvent(body)).singleElement().asString().contains("code");
    }

    private static Stream<Arguments> fixtures(String kind) throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES.resolve(kind))) {
            List<Arguments> all = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                all.add(Arguments.of(file.getFileName().toString(), Files.readString(file)));
            }
            assertThat(all).isNotEmpty();
            return all.stream();
        }
    }

    private static JsonNode schema(String name) {
        return CONTRACT.document().path("components").path("schemas").path(name);
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> texts = new TreeSet<>();
        array.forEach(value -> texts.add(value.asString()));
        return texts;
    }
}
