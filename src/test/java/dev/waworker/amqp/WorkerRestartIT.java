package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.waworker.testing.QrPng;
import dev.waworker.testing.StandInServer;

/**
 * A linked number survives a restart of the worker: the second run finds the device in the SQLite device store
 * the first one wrote, whatsmeow logs it in to the stand-in WhatsApp server with its stored keys (the server checks
 * them), and the backend hears {@code connected} again, with no QR and no scan.
 */
class WorkerRestartIT {

    private static final StandInRig RIG = StandInRig.unique("restart");
    private static final TestWorker WORKER = RIG.worker();
    private static final BackendProbe BACKEND = RIG.backend();
    private static final StandInServer WHATSAPP = RIG.whatsApp();

    @AfterAll
    static void cleanUp() {
        RIG.close();
    }

    @Test
    void aLinkedNumberLogsInAgainAfterARestartWithoutAScan() {
        String phone = "+221778000901";
        String jid;
        try (ConfigurableApplicationContext first = startWorker()) {
            BACKEND.sendCommand("create", 901, phone);
            String qr = QrPng.decode((String) BACKEND.awaitEvent(901, "qr_generated").get("qrCode"));
            jid = WHATSAPP.scan(qr, phone).text("jid");
            assertThat(BACKEND.awaitEvent(901, "connected").json()).containsEntry("jid", jid);
        }
        await().atMost(BackendProbe.WAIT).until(() -> !connectedOnServer(phone));

        try (ConfigurableApplicationContext second = startWorker()) {
            await().atMost(BackendProbe.WAIT).until(() -> BACKEND.eventsFor(901).size() >= 3);
            assertThat(BACKEND.eventsFor(901)).extracting(BackendProbe.Event::action)
                    .containsExactly("qr_generated", "connected", "connected");
            assertThat(BACKEND.eventsFor(901).getLast().json()).containsEntry("jid", jid)
                    .containsEntry("phoneNumber", phone);
            await().atMost(BackendProbe.WAIT).until(() -> connectedOnServer(phone));
            second.getBean(CommandIntake.class).stop();
        }
    }

    private static boolean connectedOnServer(String phone) {
        return WHATSAPP.devices().stream().anyMatch(device -> phone.equals(device.path("phoneNumber").asString())
                && device.path("connected").asBoolean());
    }

    private static ConfigurableApplicationContext startWorker() {
        return StandInWorker.start(WORKER, WHATSAPP, Map.of());
    }
}
