package dev.waworker.whatsapp.whatsmeow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.waworker.testing.RefusingPort;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientSpec;

/** The adapter over the real library, against local servers that stand in for an unreachable WhatsApp. */
class WhatsmeowClientFactoryIT {

    private static final ClientSpec NUMBER_6 = new ClientSpec(6, "+221771234567");

    @TempDir
    Path dataDir;

    private WhatsmeowClientFactory factory;

    @AfterEach
    void closeFactory() {
        if (factory != null) {
            factory.close();
        }
    }

    private WhatsmeowClientFactory openFactory(String websocketUrl) {
        factory = WhatsmeowClientFactory.open(new Wabridge(), NativeFixture.sqliteStore(dataDir, websocketUrl),
                NativeFixture.WHATSAPP_TTLS);
        return factory;
    }

    @Test
    void aRefusedConnectionEndsInConnectFailedOnThePumpThread() throws IOException {
        RecordingListener listener = new RecordingListener();
        WhatsmeowClient client = openFactory(RefusingPort.webSocketUrl()).open(NUMBER_6, listener);

        client.connect();

        await().atMost(Duration.ofSeconds(15)).until(() -> !listener.events().isEmpty());
        assertThat(listener.events()).singleElement()
                .isInstanceOfSatisfying(ClientEvent.ConnectFailed.class,
                        failed -> assertThat(failed.reason()).startsWith("connection refused: "));
        assertThat(listener.threads()).containsExactly("wabridge-events");
    }

    @Test
    void aWebSocketThatAcceptsThenClosesEndsInAFailedHandshake() throws IOException {
        try (ClosingWebSocketServer server = new ClosingWebSocketServer()) {
            RecordingListener listener = new RecordingListener();
            WhatsmeowClient client = openFactory(server.url()).open(NUMBER_6, listener);

            client.connect();

            // whatsmeow notices the closed socket when it writes its hello, or else after its 20 s handshake timeout
            await().atMost(Duration.ofSeconds(30)).until(() -> !listener.events().isEmpty());
            assertThat(server.upgrades()).isEqualTo(1);
            assertThat(listener.events()).singleElement()
                    .isInstanceOfSatisfying(ClientEvent.ConnectFailed.class,
                            failed -> assertThat(failed.reason()).startsWith("WhatsApp handshake failed: "));
        }
    }

    @Test
    void aClientClosedDuringAnAttemptDeliversNothingMore() throws IOException {
        try (SilentServer server = new SilentServer()) {
            RecordingListener closedListener = new RecordingListener();
            WhatsmeowClient closed = openFactory(server.url()).open(NUMBER_6, closedListener);
            RecordingListener witnessListener = new RecordingListener();
            WhatsmeowClient witness = factory.open(new ClientSpec(7, "+221771234568"), witnessListener);

            closed.connect();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.accepted() == 1);
            closed.close();
            witness.connect();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.accepted() == 2);
            server.hangUpOnAll();

            // The witness's failure comes after anything the closed client could still have sent.
            await().atMost(Duration.ofSeconds(15)).until(() -> !witnessListener.events().isEmpty());
            assertThat(witnessListener.events()).singleElement().isInstanceOf(ClientEvent.ConnectFailed.class);
            assertThat(closedListener.events()).isEmpty();
        }
    }

    @Test
    void aPairingCodeIsAskedOfWhatsAppOverTheConnectionSoWithoutOneItFails() {
        WhatsmeowClient client = openFactory("").open(NUMBER_6, new RecordingListener());

        assertThat(WabridgeIT.failureOf(client::requestPairingCode))
                .returns(BridgeErrorCode.NOT_CONNECTED, BridgeException::code)
                .hasMessageContaining("asking WhatsApp for a linking code");
    }

    @Test
    void aNumberHasOneOpenClientAtATime() {
        openFactory("").open(NUMBER_6, new RecordingListener());

        assertThat(WabridgeIT.failureOf(() -> factory.open(NUMBER_6, new RecordingListener())))
                .returns(BridgeErrorCode.NUMBER_IN_USE, BridgeException::code)
                .hasMessageContaining("number 6 already has an open client");
    }

    @Test
    void aNewStoreHasNoDevicesAndNothingToForget() {
        openFactory("");

        assertThat(factory.storedDevices()).isEmpty();
        assertThat(factory.forget(6)).isFalse();
    }

    @Test
    void anUnpairedClientSaysSo() {
        WhatsmeowClient client = openFactory("").open(NUMBER_6, new RecordingListener());

        assertThat(client.isPaired()).isFalse();
    }
}
