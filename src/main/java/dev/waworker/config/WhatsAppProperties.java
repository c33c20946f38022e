package dev.waworker.config;

import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code whatsapp.*}: which WhatsApp the worker pairs against and the QR retry rule.
 *
 * @param client which implementation of WhatsApp to use
 */
@ConfigurationProperties("whatsapp")
public record WhatsAppProperties(
        @DefaultValue("whatsmeow") ClientKind client,
        @DefaultValue Qr qr,
        @DefaultValue Simulator simulator,
        @DefaultValue Whatsmeow whatsmeow,
        @DefaultValue Reconnect reconnect) {

    public enum ClientKind {
        /** The in-process emulation of WhatsApp's linked-device pairing (dev, demo, tests). */
        SIMULATED,
        /** The real WhatsApp, through whatsmeow in the native library libwabridge. */
        WHATSMEOW
    }

    /** @param maxRetries how many times an expired QR is replaced before the validation gives up */
    public record Qr(@DefaultValue("3") int maxRetries) {
        public Qr {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("whatsapp.qr.max-retries must be 0 or more, was " + maxRetries);
            }
        }
    }

    /**
     * {@code whatsapp.reconnect.*}: how fast the linked numbers come back after a restart or a take-over of a dead
     * worker's numbers. Thousands of accounts logging in within one second is a load spike and the kind of pattern
     * that gets accounts flagged: they reconnect one after another instead, each at a random moment of its turn.
     *
     * @param ratePerSecond the most reconnects started in any one-second window (1 to 10,000)
     * @param jitter        the most each reconnect is moved later at random (0 to under 1 s); the turns are spaced
     *                      {@code (1 s + jitter) / rate} apart, so the jitter never makes a burst above the rate
     */
    public record Reconnect(@DefaultValue("50") int ratePerSecond, @DefaultValue("100ms") Duration jitter) {

        /** Above this, pacing would hardly differ from all at once. */
        public static final int MAX_RATE_PER_SECOND = 10_000;

        public Reconnect {
            if (ratePerSecond < 1 || ratePerSecond > MAX_RATE_PER_SECOND) {
                throw new IllegalArgumentException("whatsapp.reconnect.rate-per-second must be from 1 to "
                        + MAX_RATE_PER_SECOND + ", was " + ratePerSecond);
            }
            if (jitter == null || jitter.isNegative() || jitter.compareTo(Duration.ofSeconds(1)) >= 0) {
                throw new IllegalArgumentException("whatsapp.reconnect.jitter must be from 0 to under 1s, was "
                        + jitter);
            }
        }
    }

    /**
     * @param firstQrTtl        lifetime of the first QR of a connection
     * @param nextQrTtl         lifetime of each following QR of the same connection
     * @param refsPerConnection how many QR refs one connection hands out before a new connection is needed
     * @param pairingCodeTtl    lifetime of a pairing code (WhatsApp's own: about 160 s)
     */
    public record Simulator(
            @DefaultValue("20s") Duration firstQrTtl,
            @DefaultValue("20s") Duration nextQrTtl,
            @DefaultValue("6") int refsPerConnection,
            @DefaultValue("160s") Duration pairingCodeTtl) {
        public Simulator {
            if (firstQrTtl.isNegative() || firstQrTtl.isZero() || nextQrTtl.isNegative() || nextQrTtl.isZero()) {
                throw new IllegalArgumentException("whatsapp.simulator QR lifetimes must be positive");
            }
            if (pairingCodeTtl.isNegative() || pairingCodeTtl.isZero()) {
                throw new IllegalArgumentException("whatsapp.simulator.pairing-code-ttl must be positive, was "
                        + pairingCodeTtl);
            }
            if (refsPerConnection < 1) {
                throw new IllegalArgumentException("whatsapp.simulator.refs-per-connection must be 1 or more");
            }
        }
    }

    /**
     * {@code whatsapp.whatsmeow.*}: the real WhatsApp through whatsmeow.
     *
     * @param storeDsn        PostgreSQL DSN of the device store ({@code postgres://user:pass@host/db}); empty for
     *                        the SQLite file {@code <worker.data-dir>/whatsmeow.db}
     * @param proxy           {@code http://}, {@code https://} or {@code socks5://} URL every WhatsApp connection
     *                        goes through; empty for none
     * @param firstQrTtl      how long the first QR of a connection is shown; WhatsApp allows 60 s at most
     * @param nextQrTtl       how long each following QR of the connection is shown; WhatsApp allows 20 s at most
     * @param connectAttempts how many connection attempts in a row may fail before {@code CONNECT_FAILED}
     * @param connectBackoff  the wait before the second attempt (it doubles for each further one)
     * @param logLevel        the lowest level of whatsmeow's own log lines forwarded to the {@code whatsmeow}
     *                        logger: DEBUG, INFO, WARN, ERROR or OFF
     * @param websocketUrl    replaces WhatsApp's websocket address ({@code ws://host:port} or {@code wss://...});
     *                        for tests against a local server, empty in production
     * @param clientVersion   the WhatsApp Web version the clients announce ({@code 2.3000.1045649367}); empty to
     *                        follow WhatsApp Web's current one (asked at start and after WhatsApp refuses ours)
     * @param testServer      {@code host:port} of a stand-in WhatsApp server (src/test/go/fakewa): the clients
     *                        dial it over plain WebSocket; empty in production
     * @param testServerRootKey base64 of the 32-byte key the stand-in signs its certificates with, trusted instead
     *                        of WhatsApp's; required with {@code testServer}
     */
    public record Whatsmeow(
            @DefaultValue("") String storeDsn,
            @DefaultValue("") String proxy,
            @DefaultValue("60s") Duration firstQrTtl,
            @DefaultValue("20s") Duration nextQrTtl,
            @DefaultValue("3") int connectAttempts,
            @DefaultValue("2s") Duration connectBackoff,
            @DefaultValue("INFO") String logLevel,
            @DefaultValue("") String websocketUrl,
            @DefaultValue("") String clientVersion,
            @DefaultValue("") String testServer,
            @DefaultValue("") String testServerRootKey) {

        /** The longest WhatsApp keeps the first ref of a connection valid. */
        public static final Duration WHATSAPP_FIRST_QR_TTL = Duration.ofSeconds(60);
        /** The longest WhatsApp keeps each following ref valid. */
        public static final Duration WHATSAPP_NEXT_QR_TTL = Duration.ofSeconds(20);

        private static final Set<String> LOG_LEVELS = Set.of("DEBUG", "INFO", "WARN", "ERROR", "OFF");
        private static final Pattern PROXY_URL =
                Pattern.compile("(?i)(https?|socks5)://\\S+");
        private static final Pattern WEBSOCKET_URL =
                Pattern.compile("(?i)wss?://\\S+");
        private static final Pattern CLIENT_VERSION = Pattern.compile("\\d{1,9}\\.\\d{1,9}\\.\\d{1,10}");
        private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\-]+:\\d{1,5}|\\[[0-9A-Fa-f:.]+]:\\d{1,5}");

        public Whatsmeow {
            storeDsn = storeDsn == null ? "" : storeDsn.strip();
            proxy = proxy == null ? "" : proxy.strip();
            websocketUrl = websocketUrl == null ? "" : websocketUrl.strip();
            clientVersion = clientVersion == null ? "" : clientVersion.strip();
            testServer = testServer == null ? "" : testServer.strip();
            testServerRootKey = testServerRootKey == null ? "" : testServerRootKey.strip();
            logLevel = logLevel == null ? "INFO" : logLevel.strip().toUpperCase(Locale.ROOT);
            requireTtl("first-qr-ttl", firstQrTtl, WHATSAPP_FIRST_QR_TTL);
            requireTtl("next-qr-ttl", nextQrTtl, WHATSAPP_NEXT_QR_TTL);
            if (connectAttempts < 1) {
                throw new IllegalArgumentException(
                        "whatsapp.whatsmeow.connect-attempts must be 1 or more, was " + connectAttempts);
            }
            if (connectBackoff == null || connectBackoff.isNegative()) {
                throw new IllegalArgumentException("whatsapp.whatsmeow.connect-backoff must not be negative");
            }
            if (!LOG_LEVELS.contains(logLevel)) {
                throw new IllegalArgumentException("whatsapp.whatsmeow.log-level must be one of " + LOG_LEVELS
                        + ", was " + logLevel);
            }
            if (!proxy.isEmpty() && !PROXY_URL.matcher(proxy).matches()) {
                throw new IllegalArgumentException(
                        "whatsapp.whatsmeow.proxy must be an http://, https:// or socks5:// URL, was " + proxy);
            }
            if (!websocketUrl.isEmpty() && !WEBSOCKET_URL.matcher(websocketUrl).matches()) {
                throw new IllegalArgumentException(
                        "whatsapp.whatsmeow.websocket-url must be a ws:// or wss:// URL, was " + websocketUrl);
            }
            if (!clientVersion.isEmpty() && !CLIENT_VERSION.matcher(clientVersion).matches()) {
                throw new IllegalArgumentException("whatsapp.whatsmeow.client-version must look like 2.3000.1045649367,"
                        + " was " + clientVersion);
            }
            requireTestServer(testServer, testServerRootKey, websocketUrl);
        }

        /** Whether the clients dial a stand-in server instead of WhatsApp. */
        public boolean usesTestServer() {
            return !testServer.isEmpty();
        }

        /** Where the clients' websocket goes: the stand-in, the configured URL, or WhatsApp's own (empty). */
        public String effectiveWebsocketUrl() {
            return usesTestServer() ? "ws://" + testServer : websocketUrl;
        }

        private static void requireTestServer(String testServer, String rootKey, String websocketUrl) {
            if (testServer.isEmpty() != rootKey.isEmpty()) {
                throw new IllegalArgumentException("whatsapp.whatsmeow.test-server and test-server-root-key go"
                        + " together: set both (the stand-in prints its root key when it starts) or neither");
            }
            if (testServer.isEmpty()) {
                return;
            }
            if (!HOST_PORT.matcher(testServer).matches()) {
                throw new IllegalArgumentException("whatsapp.whatsmeow.test-server must be host:port, was "
                        + testServer);
            }
            if (!websocketUrl.isEmpty()) {
                throw new IllegalArgumentException("whatsapp.whatsmeow.test-server and websocket-url both redirect"
                        + " the clients: set only one");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(rootKey);
            } catch (IllegalArgumentException notBase64) {
                key = new byte[0];
            }
            if (key.length != 32) {
                throw new IllegalArgumentException("whatsapp.whatsmeow.test-server-root-key must be the base64 of 32"
                        + " bytes (the rootKey the stand-in prints)");
            }
        }

        /** A QR shown longer than WhatsApp keeps its ref valid would be scanned in vain. */
        private static void requireTtl(String key, Duration ttl, Duration whatsAppMaximum) {
            if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(whatsAppMaximum) > 0) {
                throw new IllegalArgumentException("whatsapp.whatsmeow." + key + " must be more than 0 and at most "
                        + whatsAppMaximum.toSeconds() + "s (what WhatsApp allows), was " + ttl);
            }
        }
    }
}
