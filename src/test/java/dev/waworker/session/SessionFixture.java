package dev.waworker.session;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.waworker.qr.QrCodeRenderer;
import dev.waworker.testing.ManualClock;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.StoredDevice;

/**
 * A SessionManager on a manual clock with every lane and publication run inline on the calling thread, so that a
 * test reads as a timeline: command, client event, time passes, assertions.
 */
final class SessionFixture {

    static final Instant START = Instant.parse("2025-12-06T14:00:00Z");
    static final String PHONE = "+221771234567";
    static final Duration TTL = Duration.ofSeconds(20);

    final ManualClock clock = new ManualClock(START);
    final ManualTimers timers = new ManualTimers(clock);
    final FakeWhatsApp whatsApp = new FakeWhatsApp();
    final RecordingSink sink = new RecordingSink();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** What the fleet's database recorded of numbers (a shared database: other workers' sessions too). */
    final Map<Long, NumberStatus> recorded = new HashMap<>();
    final SessionManager manager;
    final SessionHandOver handOver;

    SessionFixture() {
        this(new SessionSettings(3, 3, Duration.ofSeconds(2)));
    }

    SessionFixture(SessionSettings settings) {
        manager = new SessionManager(whatsApp, new QrCodeRenderer(),
                new RecordedStatuses(ValidationJournal.publishingTo(sink), recorded), settings, clock, timers,
                new SessionMetrics(meters), Runnable::run);
        handOver = new SessionHandOver(manager, whatsApp);
    }

    /** Linked devices coming back reconnect at {@code ratePerSecond}, without jitter (on this fixture's clock). */
    SessionFixture(int ratePerSecond) {
        manager = new SessionManager(whatsApp, new QrCodeRenderer(), ValidationJournal.publishingTo(sink),
                new SessionSettings(3, 3, Duration.ofSeconds(2)), clock, timers, new SessionMetrics(meters),
                Runnable::run, new ReconnectPacing(ratePerSecond, Duration.ZERO, clock, new Random(1)));
        handOver = new SessionHandOver(manager, whatsApp);
    }

    void command(SessionCommand.Type type, long numberId, String phone) {
        command(type, numberId, phone, PairingMethod.QR);
    }

    void command(SessionCommand.Type type, long numberId, String phone, PairingMethod pairingMethod) {
        manager.handle(new SessionCommand(type, numberId, phone, pairingMethod, Optional.of("cmd-" + type)))
                .toCompletableFuture().join();
    }

    void create(long numberId) {
        command(SessionCommand.Type.CREATE, numberId, PHONE);
    }

    /** {@code create} with {@code pairingMethod: "code"}. */
    void createByCode(long numberId) {
        command(SessionCommand.Type.CREATE, numberId, PHONE, PairingMethod.CODE);
    }

    /** {@code create}, then WhatsApp hands out a batch of 6 refs: QR #1 is shown. */
    void showingQr(long numberId) {
        create(numberId);
        giveRefs(numberId, 6);
    }

    /** A number linked and connected from its own phone, events cleared; returns its client. */
    FakeWhatsApp.FakeClient connected(long numberId) {
        showingQr(numberId);
        scan(numberId, PHONE);
        sink.clear();
        return whatsApp.client(numberId);
    }

    /** The device store holds a linked device of the number (from an earlier run). */
    void storedDevice(long numberId) {
        whatsApp.stored.put(numberId, new StoredDevice(numberId, PHONE, "221771234567:3@s.whatsapp.net"));
    }

    /** WhatsApp hands the number's current connection a batch of {@code count} refs. */
    List<String> giveRefs(long numberId, int count) {
        List<String> codes = IntStream.rangeClosed(1, count)
                .mapToObj(i -> "https://wa.me/settings/linked_devices#2@ref" + numberId + "-" + i
                        + ",noise,identity,adv,CHROME")
                .toList();
        whatsApp.client(numberId).emit(new ClientEvent.QrCodes(codes, TTL, TTL));
        return codes;
    }

    /** The phone of {@code phone} scans: WhatsApp links the device, then the client logs in. */
    void scan(long numberId, String phone) {
        String jid = phone.replace("+", "") + ":7@s.whatsapp.net";
        whatsApp.client(numberId).emit(new ClientEvent.PairSuccess(jid, phone, "android"));
        whatsApp.client(numberId).emit(new ClientEvent.Connected(jid, phone));
    }

    SessionView view(long numberId) {
        return manager.view(numberId).join().orElseThrow(() -> new AssertionError("no session " + numberId));
    }

    boolean hasSession(long numberId) {
        return manager.view(numberId).join().isPresent();
    }

    /** The gauge {@code whatsapp.sessions} of {@code state}. */
    double sessionsIn(SessionState state) {
        return meters.find("whatsapp.sessions").tag("state", state.name().toLowerCase()).gauge().value();
    }

    /** The gauge {@code whatsapp.reconnects.waiting}. */
    double reconnectsWaiting() {
        return meters.find("whatsapp.reconnects.waiting").gauge().value();
    }

    double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A journal that publishes as {@code publishing} does and answers from {@code recorded} what the fleet knows. */
    private record RecordedStatuses(ValidationJournal publishing, Map<Long, NumberStatus> recorded)
            implements ValidationJournal {

        @Override
        public void write(StepRecord step) {
            publishing.write(step);
        }

        @Override
        public Optional<NumberStatus> recordedStatus(long numberId) {
            return Optional.ofNullable(recorded.get(numberId));
        }

        @Override
        public ValidationJournal reportingTo(DeliveryNotices notices) {
            return new RecordedStatuses(publishing.reportingTo(notices), recorded);
        }
    }
}
