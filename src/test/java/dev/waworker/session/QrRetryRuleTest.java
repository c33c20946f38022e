package dev.waworker.session;

import static dev.waworker.session.SessionFixture.PHONE;
import static dev.waworker.session.SessionFixture.START;
import static dev.waworker.session.SessionFixture.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.waworker.testing.LogCapture;
import dev.waworker.testing.QrPng;
import dev.waworker.whatsapp.ClientEvent;

/** The seed's scenarios 1 to 5, on a manual clock. */
class QrRetryRuleTest {

    private final SessionFixture fixture = new SessionFixture();
    private final RecordingSink sink = fixture.sink;

    @Test
    void firstQrIsPublishedAsSoonAsWhatsAppHandsOutRefs() {
        fixture.create(6);
        assertThat(sink.events).as("nothing before WhatsApp answers").isEmpty();
        assertThat(fixture.whatsApp.client(6).calls).containsExactly("connect");

        fixture.giveRefs(6, 6);

        WorkerEvent.QrGenerated qr = sink.last(WorkerEvent.QrGenerated.class);
        assertThat(sink.actions()).containsExactly("qr_generated");
        assertThat(qr.header().numberId()).isEqualTo(6);
        assertThat(qr.header().sessionId()).isEqualTo("session_6_+221771234567");
        assertThat(qr.header().correlationId()).contains("cmd-CREATE");
        assertThat(qr.qrIndex()).isEqualTo(1);
        assertThat(qr.expiresAt()).isEqualTo(START.plus(TTL));
        assertThat(qr.qrCode()).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(qr.qrCode().substring("data:image/png;base64,".length()));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void scenario1_scanBeforeExpiryConnectsAndResetsTheCounter() {
        fixture.showingQr(6);
        fixture.timers.advance(TTL.plusSeconds(1)); // one regeneration used
        fixture.timers.advance(Duration.ofSeconds(10));

        fixture.scan(6, PHONE);

        assertThat(sink.actions()).containsExactly("qr_generated", "qr_regenerating", "qr_generated", "connected");
        WorkerEvent.Connected connected = sink.last(WorkerEvent.Connected.class);
        assertThat(connected.phoneNumber()).isEqualTo(PHONE);
        assertThat(connected.jid()).isEqualTo("221771234567:7@s.whatsapp.net");
        assertThat(connected.message()).isEmpty();
        assertThat(fixture.view(6).state()).isEqualTo(SessionState.CONNECTED);
        assertThat(fixture.view(6).attempt()).as("counter reset by the successful scan").isZero();
        assertThat(fixture.timers.activeCount()).as("no QR timer left behind").isZero();

        fixture.timers.advance(Duration.ofMinutes(5));
        assertThat(sink.actions()).as("a connected session publishes nothing on its own").hasSize(4);
    }

    @Test
    void scenario2_expiredQrIsReplacedAfterQrRegenerating() {
        fixture.showingQr(6);

        fixture.timers.advance(TTL);

        assertThat(sink.actions()).containsExactly("qr_generated", "qr_regenerating", "qr_generated");
        WorkerEvent.QrRegenerating regenerating = sink.last(WorkerEvent.QrRegenerating.class);
        assertThat(regenerating.attempt()).isEqualTo(1);
        assertThat(regenerating.maxAttempts()).isEqualTo(3);
        assertThat(regenerating.message()).isEqualTo("QR code expired. Generating new QR code (attempt 1/3)");
        WorkerEvent.QrGenerated second = sink.last(WorkerEvent.QrGenerated.class);
        assertThat(second.qrIndex()).isEqualTo(2);
        assertThat(second.expiresAt()).isEqualTo(START.plus(TTL).plus(TTL));
        assertThat(fixture.view(6).attempt()).isEqualTo(1);
    }

    @Test
    void everyQrShowsTheNextRefOfTheConnection() {
        fixture.create(6);
        List<String> refs = fixture.giveRefs(6, 6);
        WorkerEvent.QrGenerated first = sink.last(WorkerEvent.QrGenerated.class);
        fixture.timers.advance(TTL);
        WorkerEvent.QrGenerated second = sink.last(WorkerEvent.QrGenerated.class);

        assertThat(QrPng.decode(first.qrCode())).isEqualTo(refs.get(0));
        assertThat(QrPng.decode(second.qrCode())).isEqualTo(refs.get(1));
    }

    @Test
    void scenarios3to5_theSeedTimelineEndsInQrRetriesExhausted() {
        fixture.showingQr(6);
        fixture.timers.advance(Duration.ofSeconds(84));

        assertThat(sink.actions()).containsExactly(
                "qr_generated",
                "qr_regenerating", "qr_generated",
                "qr_regenerating", "qr_generated",
                "qr_regenerating", "qr_generated",
                "error");
        assertThat(sink.events.stream().filter(WorkerEvent.QrGenerated.class::isInstance)
                .map(event -> ((WorkerEvent.QrGenerated) event).qrIndex())).containsExactly(1, 2, 3, 4);
        assertThat(sink.events.stream().filter(WorkerEvent.QrRegenerating.class::isInstance)
                .map(event -> ((WorkerEvent.QrRegenerating) event).message())).containsExactly(
                "QR code expired. Generating new QR code (attempt 1/3)",
                "QR code expired. Generating new QR code (attempt 2/3)",
                "QR code expired. Generating new QR code (attempt 3/3)");
        assertThat(sink.events.stream().map(event -> event.header().timestamp())).containsExactly(
                at(0), at(20), at(20), at(40), at(40), at(60), at(60), at(80));

        WorkerEvent.Error error = sink.last(WorkerEvent.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.QR_RETRIES_EXHAUSTED);
        assertThat(error.error())
                .isEqualTo("QR code generation failed after 3 attempts. Please request a new validation.");
        assertThat(error.header().sessionId()).isEqualTo("session_6_+221771234567");

        assertThat(fixture.hasSession(6)).as("the unpaired session is deleted").isFalse();
        assertThat(fixture.whatsApp.client(6).calls).endsWith("close");
        assertThat(fixture.timers.activeCount()).isZero();
        assertThat(fixture.counter("whatsapp.validations", "outcome", "qr_retries_exhausted")).isEqualTo(1);
        assertThat(fixture.counter("whatsapp.qr.generated")).isEqualTo(4);
        assertThat(fixture.counter("whatsapp.qr.regenerations", "trigger", "expiry")).isEqualTo(3);
    }

    @Test
    void afterGivingUpANewCreateStartsOverWithTheFullBudget() {
        fixture.showingQr(6);
        fixture.timers.advance(Duration.ofSeconds(80));
        sink.clear();

        fixture.showingQr(6);
        fixture.timers.advance(Duration.ofSeconds(60));

        assertThat(sink.actions()).containsExactly("qr_generated", "qr_regenerating", "qr_generated",
                "qr_regenerating", "qr_generated", "qr_regenerating", "qr_generated");
        assertThat(sink.last(WorkerEvent.QrGenerated.class).qrIndex()).isEqualTo(4);
    }

    @Test
    void theMaximumIsConfigurable() {
        SessionFixture oneRetry = new SessionFixture(new SessionSettings(1, 3, Duration.ofSeconds(1)));
        oneRetry.create(6);
        oneRetry.giveRefs(6, 6);
        oneRetry.timers.advance(Duration.ofSeconds(40));

        assertThat(oneRetry.sink.actions()).containsExactly("qr_generated", "qr_regenerating", "qr_generated",
                "error");
        assertThat(oneRetry.sink.last(WorkerEvent.QrRegenerating.class).message())
                .isEqualTo("QR code expired. Generating new QR code (attempt 1/1)");
        assertThat(oneRetry.sink.last(WorkerEvent.Error.class).error())
                .isEqualTo("QR code generation failed after 1 attempts. Please request a new validation.");
    }

    @Test
    void zeroRetriesGivesUpWhenTheFirstQrExpires() {
        SessionFixture noRetry = new SessionFixture(new SessionSettings(0, 3, Duration.ofSeconds(1)));
        noRetry.create(6);
        noRetry.giveRefs(6, 6);
        noRetry.timers.advance(TTL);

        assertThat(noRetry.sink.actions()).containsExactly("qr_generated", "error");
    }

    @Test
    void whenTheConnectionRunsOutOfRefsANewConnectionBringsMore() {
        fixture.create(6);
        fixture.giveRefs(6, 2);
        fixture.timers.advance(TTL); // QR #2, the connection's last ref
        FakeWhatsApp.FakeClient client = fixture.whatsApp.client(6);
        assertThat(client.calls).containsExactly("connect");

        fixture.timers.advance(TTL); // QR #2 expires: attempt 2/3 needs a ref the connection no longer has

        assertThat(client.calls).containsExactly("connect", "disconnect", "connect");
        assertThat(sink.actions()).containsExactly("qr_generated", "qr_regenerating", "qr_generated",
                "qr_regenerating");

        Duration firstOfBatch = Duration.ofSeconds(60);
        client.emit(new ClientEvent.QrCodes(List.of("https://wa.me/settings/linked_devices#2@fresh,n,i,a,CHROME"),
                firstOfBatch, TTL));

        WorkerEvent.QrGenerated third = sink.last(WorkerEvent.QrGenerated.class);
        assertThat(third.qrIndex()).isEqualTo(3);
        assertThat(third.expiresAt()).as("the first ref of a connection lives longer")
                .isEqualTo(fixture.clock.instant().plus(firstOfBatch));
        assertThat(fixture.view(6).attempt()).isEqualTo(2);
    }

    @Test
    void theQrPayloadIsNeverLoggedAboveDebug() {
        try (LogCapture logs = LogCapture.of(SessionManager.class)) {
            fixture.create(6);
            List<String> refs = fixture.giveRefs(6, 6);
            fixture.timers.advance(Duration.ofSeconds(80));

            assertThat(logs.messagesAboveDebug()).contains(
                    "Creating new WhatsApp session: session_6_+221771234567",
                    "QR Code generated for session_6_+221771234567",
                    "QR Code sent to backend for number 6",
                    "QR code expired for session_6_+221771234567. Attempt 1/3",
                    "Regenerating QR code for session_6_+221771234567 (attempt 1/3)...",
                    "QR code expired for session_6_+221771234567. Attempt 3/3",
                    "Max QR retry attempts (3) reached for session_6_+221771234567. Giving up.");
            for (String ref : refs.subList(0, 4)) {
                assertThat(logs.messagesAboveDebug()).noneMatch(message -> message.contains("2@ref6"));
                assertThat(logs.debugMessages()).as("DEBUG may show it, for troubleshooting")
                        .anyMatch(message -> message.contains(ref));
            }
            assertThat(logs.messagesAboveDebug()).noneMatch(message -> message.contains("base64"));
        }
    }

    private static Instant at(int seconds) {
        return START.plusSeconds(seconds);
    }
}
