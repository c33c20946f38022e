package dev.waworker.whatsapp.whatsmeow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.waworker.whatsapp.ClientEvent;

class BridgeEventParserTest {

    private final BridgeEventParser parser =
            new BridgeEventParser(new QrTtls(Duration.ofSeconds(50), Duration.ofSeconds(15)));

    private ClientEvent clientEvent(String json) {
        BridgeEvent event = parser.parse(json);
        assertThat(event).isInstanceOf(BridgeEvent.ForClient.class);
        assertThat(event.handle()).isEqualTo(17);
        return ((BridgeEvent.ForClient) event).event();
    }

    private static String event(String type, String fields) {
        return "{\"handle\":17,\"numberId\":6,\"type\":\"" + type + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    @Test
    void qrCodesCarryTheConfiguredLifetimes() {
        assertThat(clientEvent(event("qr", "\"codes\":[\"ref1,a,b,c\",\"ref2,a,b,c\"]")))
                .isEqualTo(new ClientEvent.QrCodes(List.of("ref1,a,b,c", "ref2,a,b,c"),
                        Duration.ofSeconds(50), Duration.ofSeconds(15)));
    }

    @Test
    void everyStateEventOfTheBridgeHasItsClientEvent() {
        assertThat(clientEvent(event("pair_success",
                "\"jid\":\"221771234567:12@s.whatsapp.net\",\"phoneNumber\":\"+221771234567\",\"platform\":\"android\"")))
                .isEqualTo(new ClientEvent.PairSuccess("221771234567:12@s.whatsapp.net", "+221771234567", "android"));
        assertThat(clientEvent(event("phone_mismatch", "\"scannedPhoneNumber\":\"+33612345678\"")))
                .isEqualTo(new ClientEvent.PhoneMismatch("+33612345678"));
        assertThat(clientEvent(event("pair_error", "\"reason\":\"hmac\"")))
                .isEqualTo(new ClientEvent.PairFailed("hmac"));
        assertThat(clientEvent(event("connected", "\"jid\":\"j\",\"phoneNumber\":\"+221771234567\"")))
                .isEqualTo(new ClientEvent.Connected("j", "+221771234567"));
        assertThat(clientEvent(event("logged_out", "\"reason\":\"401: logged out from another device\"")))
                .isEqualTo(new ClientEvent.LoggedOut("401: logged out from another device"));
        assertThat(clientEvent(event("stream_replaced", ""))).isEqualTo(new ClientEvent.StreamReplaced());
        assertThat(clientEvent(event("disconnected", "\"reason\":\"closed\"")))
                .isEqualTo(new ClientEvent.Disconnected("closed"));
        assertThat(clientEvent(event("connect_failed", "\"reason\":\"connection refused: x\"")))
                .isEqualTo(new ClientEvent.ConnectFailed("connection refused: x"));
        assertThat(clientEvent(event("client_outdated", "\"reason\":\"too old\"")))
                .isEqualTo(new ClientEvent.ClientOutdated("too old"));
        assertThat(clientEvent(event("passkey_required", "\"reason\":\"passkey\"")))
                .isEqualTo(new ClientEvent.PasskeyRequired("passkey"));
        assertThat(clientEvent(event("scanned_without_multidevice", "")))
                .isEqualTo(new ClientEvent.ScannedWithoutMultidevice());
        assertThat(clientEvent(event("temporary_ban", "\"code\":\"102: too many people blocked you\","
                + "\"expiresInSeconds\":3600")))
                .isEqualTo(new ClientEvent.TemporaryBan("102: too many people blocked you", Duration.ofHours(1)));
    }

    @Test
    void logLinesKeepTheirLevelModuleAndNumber() {
        assertThat(parser.parse(event("log", "\"level\":\"WARN\",\"module\":\"Client/Socket\",\"message\":\"m\"")))
                .isEqualTo(new BridgeEvent.Log(17, 6, "WARN", "Client/Socket", "m"));
    }

    @Test
    void keepAliveHiccupsReachTheClient() {
        assertThat(clientEvent(event("keepalive_timeout", "\"errorCount\":2")))
                .isEqualTo(new ClientEvent.KeepAliveTimeout(2));
        assertThat(clientEvent(event("keepalive_restored", "")))
                .isEqualTo(new ClientEvent.KeepAliveRestored());
    }

    @Test
    void eventKindsTheWorkerDoesNotUseAreQuietNotices() {
        assertThat(parser.parse(event("unhandled", "\"kind\":\"*events.PasskeyChallenge\"")))
                .isEqualTo(new BridgeEvent.Notice(17, 6,
                        "whatsmeow event not used by the worker: *events.PasskeyChallenge", false));
    }

    @Test
    void aTypeFromANewerBridgeIsANoticeNotAFailure() {
        assertThat(parser.parse(event("passkey_step", "\"step\":1")))
                .isEqualTo(new BridgeEvent.Notice(17, 6, "bridge event of unknown type 'passkey_step'", true));
    }
}
