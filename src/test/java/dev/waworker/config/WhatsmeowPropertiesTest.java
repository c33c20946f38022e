package dev.waworker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class WhatsmeowPropertiesTest {

    private static WhatsAppProperties.Whatsmeow whatsmeow(Duration firstQrTtl, Duration nextQrTtl, String proxy,
                                                          String logLevel, String websocketUrl) {
        return new WhatsAppProperties.Whatsmeow("", proxy, firstQrTtl, nextQrTtl, 3, Duration.ofSeconds(2),
                logLevel, websocketUrl, "", "", "");
    }

    private static final String ROOT_KEY = "A".repeat(43) + "=";

    private static WhatsAppProperties.Whatsmeow testServer(String clientVersion, String testServer, String rootKey) {
        return new WhatsAppProperties.Whatsmeow("", "", Duration.ofSeconds(60), Duration.ofSeconds(20), 3,
                Duration.ofSeconds(2), "INFO", "", clientVersion, testServer, rootKey);
    }

    @Test
    void whatsAppsOwnLifetimesAreAccepted() {
        WhatsAppProperties.Whatsmeow settings =
                whatsmeow(Duration.ofSeconds(60), Duration.ofSeconds(20), "socks5://127.0.0.1:1080", "warn", "");

        assertThat(settings.logLevel()).isEqualTo("WARN");
        assertThat(settings.proxy()).isEqualTo("socks5://127.0.0.1:1080");
    }

    @Test
    void aQrShownLongerThanWhatsAppAllowsIsRefused() {
        assertThatThrownBy(() -> whatsmeow(Duration.ofSeconds(61), Duration.ofSeconds(20), "", "INFO", ""))
                .hasMessageContaining("whatsapp.whatsmeow.first-qr-ttl must be more than 0 and at most 60s");
        assertThatThrownBy(() -> whatsmeow(Duration.ofSeconds(60), Duration.ofSeconds(21), "", "INFO", ""))
                .hasMessageContaining("whatsapp.whatsmeow.next-qr-ttl must be more than 0 and at most 20s");
        assertThatThrownBy(() -> whatsmeow(Duration.ZERO, Duration.ofSeconds(20), "", "INFO", ""))
                .hasMessageContaining("first-qr-ttl");
    }

    @Test
    void badValuesAreNamedInTheError() {
        Duration first = Duration.ofSeconds(60);
        Duration next = Duration.ofSeconds(20);
        assertThatThrownBy(() -> whatsmeow(first, next, "ftp://proxy", "INFO", ""))
                .hasMessageContaining("whatsapp.whatsmeow.proxy must be an http://, https:// or socks5:// URL");
        assertThatThrownBy(() -> whatsmeow(first, next, "", "LOUD", ""))
                .hasMessageContaining("whatsapp.whatsmeow.log-level must be one of");
        assertThatThrownBy(() -> whatsmeow(first, next, "", "INFO", "http://localhost:1"))
                .hasMessageContaining("whatsapp.whatsmeow.websocket-url must be a ws:// or wss:// URL");
        assertThatThrownBy(() -> new WhatsAppProperties.Whatsmeow("", "", first, next, 0, Duration.ofSeconds(2),
                "INFO", "", "", "", "")).hasMessageContaining("connect-attempts must be 1 or more");
        assertThatThrownBy(() -> testServer("2.3000", "", ""))
                .hasMessageContaining("whatsapp.whatsmeow.client-version must look like 2.3000.1045649367");
    }

    @Test
    void aTestServerIsDialledOverPlainWebSocketWithItsRootKey() {
        WhatsAppProperties.Whatsmeow settings = testServer("2.3000.1045649367", "127.0.0.1:7000", ROOT_KEY);

        assertThat(settings.usesTestServer()).isTrue();
        assertThat(settings.effectiveWebsocketUrl()).isEqualTo("ws://127.0.0.1:7000");
        assertThat(testServer("", "", "").usesTestServer()).isFalse();
        assertThat(testServer("", "", "").effectiveWebsocketUrl()).isEmpty();
    }

    @Test
    void aTestServerNeedsItsRootKeyAndNothingElseRedirecting() {
        assertThatThrownBy(() -> testServer("", "127.0.0.1:7000", ""))
                .hasMessageContaining("test-server and test-server-root-key go together");
        assertThatThrownBy(() -> testServer("", "", ROOT_KEY))
                .hasMessageContaining("test-server and test-server-root-key go together");
        assertThatThrownBy(() -> testServer("", "ws://127.0.0.1:7000", ROOT_KEY))
                .hasMessageContaining("whatsapp.whatsmeow.test-server must be host:port");
        assertThatThrownBy(() -> testServer("", "127.0.0.1:7000", "c2hvcnQ="))
                .hasMessageContaining("test-server-root-key must be the base64 of 32 bytes");
        assertThatThrownBy(() -> new WhatsAppProperties.Whatsmeow("", "", Duration.ofSeconds(60),
                Duration.ofSeconds(20), 3, Duration.ofSeconds(2), "INFO", "ws://x:1", "", "127.0.0.1:7000", ROOT_KEY))
                .hasMessageContaining("set only one");
    }
}
