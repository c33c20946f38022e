package dev.waworker.session;

import static dev.waworker.session.SessionFixture.PHONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.StoredDevice;

/**
 * Linked devices coming back after a restart connect in their turn (5 per second here), and a number waiting for
 * its turn is a live {@code connecting} session: it answers the backend's commands meanwhile.
 */
class PacedReconnectTest {

    private final SessionFixture fixture = new SessionFixture(5);

    @Test
    void twelveStoredDevicesConnectFivePerSecond() {
        LongStream.rangeClosed(1, 12).forEach(this::stored);

        fixture.handOver.restore(List.of());

        assertThat(connected()).isEqualTo(1);
        assertThat(fixture.reconnectsWaiting()).isEqualTo(11);
        assertThat(fixture.sessionsIn(SessionState.CONNECTING)).isEqualTo(12);
        fixture.timers.advance(Duration.ofMillis(999));
        assertThat(connected()).isEqualTo(5);
        fixture.timers.advance(Duration.ofSeconds(1));
        assertThat(connected()).isEqualTo(10);
        fixture.timers.advance(Duration.ofSeconds(1));
        assertThat(connected()).isEqualTo(12);
        assertThat(fixture.reconnectsWaiting()).isZero();
        assertThat(fixture.meters.find("whatsapp.reconnect.wait").timer().max(TimeUnit.MILLISECONDS))
                .isEqualTo(2200);
    }

    @Test
    void aNumberWaitingForItsTurnAnswersStatusAsConnecting() {
        waitingForItsTurn(6);

        fixture.command(SessionCommand.Type.STATUS, 6, PHONE);

        WorkerEvent.Status status = fixture.sink.last(WorkerEvent.Status.class);
        assertThat(status.status().state()).isEqualTo(NumberStatus.State.CONNECTING);
        assertThat(fixture.whatsApp.client(6).calls).isEmpty();
    }

    @Test
    void aCloseWhileWaitingEndsTheSessionAndItsTurnNeverConnects() {
        waitingForItsTurn(6);

        fixture.command(SessionCommand.Type.CLOSE, 6, PHONE);
        fixture.timers.advance(Duration.ofSeconds(5));

        assertThat(fixture.sink.actions()).containsExactly("disconnected");
        assertThat(fixture.hasSession(6)).isFalse();
        assertThat(fixture.whatsApp.client(6).calls).doesNotContain("connect");
        assertThat(fixture.reconnectsWaiting()).isZero();
    }

    @Test
    void aReconnectCommandWhileWaitingConnectsAtOnceAndOnlyOnce() {
        waitingForItsTurn(6);

        fixture.command(SessionCommand.Type.RECONNECT, 6, PHONE);
        fixture.timers.advance(Duration.ofSeconds(5));

        assertThat(fixture.whatsApp.client(6).calls.stream().filter("connect"::equals)).hasSize(1);
        assertThat(fixture.reconnectsWaiting()).isZero();
        fixture.whatsApp.client(6).emit(new ClientEvent.Connected("221771234567:3@s.whatsapp.net", PHONE));
        assertThat(fixture.view(6).state()).isEqualTo(SessionState.CONNECTED);
    }

    /** Five other devices take this second's turns; number {@code numberId} comes back sixth and waits. */
    private void waitingForItsTurn(long numberId) {
        LongStream.rangeClosed(101, 105).forEach(this::stored);
        fixture.storedDevice(numberId);
        fixture.handOver.restore(List.of());
        assertThat(fixture.whatsApp.client(numberId).calls).isEmpty();
        assertThat(fixture.view(numberId).state()).isEqualTo(SessionState.CONNECTING);
        fixture.sink.clear();
    }

    private void stored(long numberId) {
        String phone = "+2217712" + String.format("%05d", numberId);
        fixture.whatsApp.stored.put(numberId, new StoredDevice(numberId, phone, phone.substring(1) + ":3@s.whatsapp.net"));
    }

    private long connected() {
        return fixture.whatsApp.storedDevices().stream()
                .filter(device -> fixture.whatsApp.client(device.numberId()).calls.contains("connect")).count();
    }
}
