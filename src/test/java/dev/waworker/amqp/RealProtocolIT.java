package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;

import dev.waworker.testing.LogCapture;
import dev.waworker.testing.QrPng;
import dev.waworker.testing.StandInServer;

/**
 * The real protocol end to end: the whole worker with whatsmeow in the real native library, over the real RabbitMQ,
 * against the stand-in WhatsApp server (src/test/go/fakewa), which speaks WhatsApp's wire protocol — Noise
 * handshake, pairing refs, pair-success and its signatures, the login of a linked device — and plays the phone
 * through its control API. The QR is read back from the PNG the backend receives, as a phone's camera would.
 *
 * <p>Short QR lifetimes keep the retry timeline to seconds; everything else is the worker's defaults.
 */
@WorkerIntegrationTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "whatsapp.whatsmeow.first-qr-ttl=4s",
        "whatsapp.whatsmeow.next-qr-ttl=2s",
        "whatsapp.whatsmeow.connect-backoff=200ms"}, simulatedWhatsApp = false)
// Closing the context closes the native store: the library holds one per process, and other tests open theirs.
@DirtiesContext
class RealProtocolIT extends WorkerTestBase {

    private static final StandInServer WHATSAPP = StandInServer.start();
    private static final String QR_PREFIX = "https://wa.me/settings/linked_devices#";

    @Autowired
    private ApplicationContext context;

    @DynamicPropertySource
    static void worker(DynamicPropertyRegistry properties) {
        WHATSAPP.workerProperties().forEach((key, value) -> properties.add(key, () -> value));
    }

    /** Closes the stand-in server with the worker, after it: the worker's last steps still talk to it. */
    @TestConfiguration
    static class StandInWhatsApp {
        @Bean
        StandInServer standInServer() {
            return WHATSAPP;
        }
    }

    @Test
    void aPhoneScanningTheQrOfTheEventEndsConnected() {
        String phone = "+221778000801";
        backend.sendCommand("create", 801, phone);

        String qr = qrOf(backend.awaitEvent(801, "qr_generated"));
        assertThat(qr).startsWith(QR_PREFIX).endsWith(",9");
        StandInServer.Answer scanned = WHATSAPP.scan(qr, phone);
        assertThat(scanned.status()).as(scanned.body().toString()).isEqualTo(200);

        BackendProbe.Event connected = backend.awaitEvent(801, "connected");
        assertThat(connected.json()).containsEntry("phoneNumber", phone)
                .containsEntry("jid", scanned.text("jid"))
                .containsEntry("sessionId", "session_801_" + phone);
        assertThat(scanned.text("jid")).startsWith("221778000801:");
        assertThat(serverDevice(phone)).isNotNull();
        await().atMost(BackendProbe.WAIT).until(() -> serverDevice(phone).path("connected").asBoolean());
    }

    @Test
    void anotherAccountScanningIsRefusedAndNothingIsLinked() {
        String phone = "+221778000802";
        String otherAccount = "+33612345602";
        backend.sendCommand("create", 802, phone);
        String qr = qrOf(backend.awaitEvent(802, "qr_generated"));

        StandInServer.Answer scanned = WHATSAPP.scan(qr, otherAccount);

        assertThat(scanned.status()).as("the worker refused the pairing").isEqualTo(409);
        BackendProbe.Event error = backend.awaitEvent(802, "error");
        assertThat(error.json()).containsEntry("code", "PHONE_MISMATCH");
        assertThat((String) error.get("error")).contains(otherAccount).contains(phone);
        assertThat(serverDevice(otherAccount)).isNull();
        assertThat(serverDevice(phone)).isNull();
    }

    @Test
    void unscannedQrsAreReplacedThreeTimesThenTheValidationGivesUp() {
        backend.sendCommand("create", 803, "+221778000803");

        await().atMost(Duration.ofSeconds(30)).until(() -> backend.eventsFor(803).stream()
                .anyMatch(event -> event.action().equals("error")));

        List<BackendProbe.Event> events = backend.eventsFor(803);
        assertThat(events).extracting(BackendProbe.Event::action).containsExactly(
                "qr_generated", "qr_regenerating", "qr_generated", "qr_regenerating", "qr_generated",
                "qr_regenerating", "qr_generated", "error");
        assertThat(events.getLast().json()).containsEntry("code", "QR_RETRIES_EXHAUSTED");
        assertThat(events).filteredOn(event -> event.action().equals("qr_generated"))
                .extracting(event -> qrOf(event)).doesNotHaveDuplicates().allMatch(qr -> qr.startsWith(QR_PREFIX));
    }

    @Test
    void thePhoneRemovingTheDeviceIsReportedAsDisconnected() {
        String phone = "+221778000804";
        link(804, phone);

        assertThat(WHATSAPP.logout(phone).status()).isEqualTo(200);

        BackendProbe.Event disconnected = backend.awaitEvent(804, "disconnected");
        assertThat((String) disconnected.get("reason")).isNotBlank();
    }

    @Test
    void aDroppedConnectionComesBackWithoutANewQr() {
        String phone = "+221778000805";
        link(805, phone);
        await().atMost(BackendProbe.WAIT).until(() -> serverDevice(phone).path("connected").asBoolean());

        assertThat(WHATSAPP.drop(phone).status()).isEqualTo(200);

        await().atMost(BackendProbe.WAIT).until(() -> serverDevice(phone).path("connected").asBoolean());
        assertThat(backend.eventsFor(805)).extracting(BackendProbe.Event::action)
                .as("the backend sees nothing of a reconnect").containsExactly("qr_generated", "connected");
    }

    @Test
    void aPasskeyDemandEndsTheValidationAtOnce() {
        String phone = "+221778000806";
        assertThat(WHATSAPP.demandPasskey(phone).status()).isEqualTo(200);
        backend.sendCommand("create", 806, phone);
        String qr = qrOf(backend.awaitEvent(806, "qr_generated"));

        assertThat(WHATSAPP.scan(qr, phone).text("result")).isEqualTo("passkey_requested");

        BackendProbe.Event error = backend.awaitEvent(806, "error");
        assertThat(error.json()).containsEntry("code", "PASSKEY_REQUIRED");
        assertThat((String) error.get("error")).contains("pairingMethod \"code\"");
        assertThat(backend.eventsFor(806)).extracting(BackendProbe.Event::action)
                .as("at once: the QR shown did not have to run out first").containsExactly("qr_generated", "error");
        assertThat(serverDevice(phone)).isNull();
    }

    @Test
    void aPairingCodeTypedOnThePhoneEndsConnected() {
        String phone = "+221778000807";
        backend.sendJson(worker.commandQueue(), "{\"action\":\"create\",\"data\":{\"numberId\":807,"
                + "\"phoneNumber\":\"" + phone + "\",\"pairingMethod\":\"code\"}}");

        String code = (String) backend.awaitEvent(807, "pairing_code").get("code");
        StandInServer.Answer entered = WHATSAPP.enterCode(code, phone);
        assertThat(entered.status()).as(entered.body().toString()).isEqualTo(200);

        assertThat(backend.awaitEvent(807, "connected").json()).containsEntry("phoneNumber", phone)
                .containsEntry("jid", entered.text("jid"));
    }

    @Test
    void aNotificationWhatsmeowDoesNotKnowIsLoggedAtWarnWithItsTag() {
        try (LogCapture whatsmeowLog = LogCapture.named("whatsmeow")) {
            backend.sendCommand("create", 808, "+221778000808");
            backend.awaitEvent(808, "qr_generated");

            assertThat(WHATSAPP.notifyPairing("companion_reg_refresh").body().path("sent").asInt()).isPositive();

            await().atMost(BackendProbe.WAIT).until(() -> whatsmeowLog.messagesAboveDebug().stream()
                    .anyMatch(line -> line.contains("\"companion_reg_refresh\"")));
        }
    }

    @Test
    void whenWhatsAppDemandsANewerClientTheWorkerUpdatesAndPairsWithoutSpendingTheBudget() {
        String before = clientVersionInHealth();
        long newer = Long.parseLong(before.substring(before.lastIndexOf('.') + 1)) + 10;
        WHATSAPP.clientVersions(newer, newer);
        String phone = "+221778000809";

        backend.sendCommand("create", 809, phone);
        BackendProbe.Event firstQr = backend.awaitEvent(809, "qr_generated");
        assertThat(firstQr.json()).containsEntry("qrIndex", 1);
        assertThat(WHATSAPP.scan(qrOf(firstQr), phone).status()).isEqualTo(200);

        backend.awaitEvent(809, "connected");
        assertThat(clientVersionInHealth()).isEqualTo("2.3000." + newer);
        assertThat(health().getDetails()).containsEntry("clientVersionSource", "fetched");

        // With nothing newer to be had, the refusal reaches the backend.
        WHATSAPP.clientVersions(newer + 5, newer);
        backend.sendCommand("create", 810, "+221778000810");
        BackendProbe.Event outdated = backend.awaitEvent(810, "error");
        assertThat(outdated.json()).containsEntry("code", "CLIENT_OUTDATED");
        assertThat(backend.eventsFor(810)).extracting(BackendProbe.Event::action).containsExactly("error");
        WHATSAPP.clientVersions(0, newer);
    }

    @Test
    void theHealthDetailsSayTheWorkerTalksToAStandIn() {
        assertThat(health().getDetails()).containsEntry("testServer",
                WHATSAPP.address() + " (NOT WhatsApp: a stand-in server)");
    }

    private void link(long numberId, String phone) {
        backend.sendCommand("create", numberId, phone);
        String qr = qrOf(backend.awaitEvent(numberId, "qr_generated"));
        assertThat(WHATSAPP.scan(qr, phone).status()).isEqualTo(200);
        backend.awaitEvent(numberId, "connected");
    }

    private static String qrOf(BackendProbe.Event event) {
        return QrPng.decode((String) event.get("qrCode"));
    }

    /** The stand-in's record of the device linked for that phone number, or null. */
    private static JsonNode serverDevice(String phone) {
        return WHATSAPP.devices().stream().filter(device -> phone.equals(device.path("phoneNumber").asString()))
                .findFirst().orElse(null);
    }

    private Health health() {
        return context.getBean("whatsmeowHealthIndicator", HealthIndicator.class).health();
    }

    private String clientVersionInHealth() {
        return (String) health().getDetails().get("clientVersion");
    }
}
