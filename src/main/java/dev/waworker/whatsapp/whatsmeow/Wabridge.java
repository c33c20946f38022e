package dev.waworker.whatsapp.whatsmeow;

import java.util.List;
import java.util.Optional;

import com.sun.jna.Pointer;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.waworker.whatsapp.StoredDevice;

/**
 * Typed access to libwabridge: JSON in, records out. Each call copies the returned C string into a Java string
 * and frees it at once, and turns an {@code {"ok":false}} answer into a {@link BridgeException} that carries the
 * bridge's {@link BridgeErrorCode}. Safe from any thread: the library is (docs/NATIVE-BRIDGE.md, "Locking").
 */
public final class Wabridge {

    private final JsonMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * What the library was built from, and the WhatsApp Web version its clients announce.
     *
     * @param clientVersionSource {@code built-in} (whatsmeow's own), {@code fetched} (WhatsApp Web's current) or
     *                            {@code override} ({@code whatsapp.whatsmeow.client-version})
     */
    public record Version(String bridge, String whatsmeow, String go, String clientVersion,
                          String clientVersionSource) {
    }

    /** The Go side's counters: a leak shows here first. */
    public record Stats(int goroutines, int clients, long heapAllocBytes, int queuedEvents, long droppedLogs,
                        long droppedEvents) {
    }

    /**
     * The JSON given to {@code wb_open_store}.
     *
     * @param sqlitePath        the SQLite file, used when {@code postgresDsn} is empty
     * @param websocketUrl      replaces WhatsApp's websocket address (tests); empty for WhatsApp's
     * @param testServerRootKey base64 root key of a stand-in server's certificates; empty for WhatsApp's
     * @param clientVersion     the client version to announce; empty to follow WhatsApp Web's current one
     */
    public record StoreConfig(String sqlitePath, String postgresDsn, String logLevel, String proxy,
                              String websocketUrl, String testServerRootKey, String clientVersion) {
    }

    /** A client the bridge created: its handle, and whether the store had a linked device for the number. */
    public record CreatedClient(long handle, boolean paired, String jid) {
    }

    private record Devices(List<StoredDevice> devices) {
    }

    public Version version() {
        return read("wb_version", WabridgeNative.wb_version(), Version.class);
    }

    public Stats stats() {
        return read("wb_stats", WabridgeNative.wb_stats(), Stats.class);
    }

    public void openStore(StoreConfig config) {
        check("wb_open_store", WabridgeNative.wb_open_store(json.writeValueAsString(config)));
    }

    /** Disconnects and forgets every client, then closes the database. */
    public void closeStore() {
        check("wb_close_store", WabridgeNative.wb_close_store());
    }

    public CreatedClient createClient(long numberId, String phoneNumber) {
        String spec = json.writeValueAsString(new ClientSpecJson(numberId, phoneNumber));
        return read("wb_client_create", WabridgeNative.wb_client_create(spec), CreatedClient.class);
    }

    private record ClientSpecJson(long numberId, String phoneNumber) {
    }

    /** Starts a connection attempt; its outcome arrives as events. */
    public void connect(long handle) {
        check("wb_client_connect", WabridgeNative.wb_client_connect(handle));
    }

    public void disconnect(long handle) {
        check("wb_client_disconnect", WabridgeNative.wb_client_disconnect(handle));
    }

    /** Unlinks the device when connected, and deletes its credentials in any case. */
    public void logout(long handle) {
        check("wb_client_logout", WabridgeNative.wb_client_logout(handle));
    }

    /** Asks WhatsApp for the 8-character code that links the device by typing it on the phone. */
    public String pairPhone(long handle, String phoneNumber) {
        return check("wb_client_pair_phone", WabridgeNative.wb_client_pair_phone(handle, phoneNumber))
                .path("code").asString();
    }

    public void destroy(long handle) {
        check("wb_client_destroy", WabridgeNative.wb_client_destroy(handle));
    }

    public List<StoredDevice> devices() {
        return read("wb_devices", WabridgeNative.wb_devices(), Devices.class).devices();
    }

    public boolean deleteDevice(long numberId) {
        return check("wb_device_delete", WabridgeNative.wb_device_delete(numberId)).path("deleted").asBoolean();
    }

    /** The next event as JSON, waiting at most {@code timeoutMs}; empty on timeout. */
    public Optional<String> nextEvent(int timeoutMs) {
        Pointer event = WabridgeNative.wb_next_event(timeoutMs);
        return event == null ? Optional.empty() : Optional.of(take(event));
    }

    private <T> T read(String operation, Pointer answer, Class<T> type) {
        return json.treeToValue(check(operation, answer), type);
    }

    private JsonNode check(String operation, Pointer answer) {
        return check(operation, take(answer));
    }

    /**
     * The answer's fields when it says {@code ok}; otherwise a {@link BridgeException} with the bridge's code (see
     * {@link BridgeErrorCode}) and message.
     */
    JsonNode check(String operation, String answer) {
        JsonNode node = json.readTree(answer);
        if (!node.path("ok").asBoolean(false)) {
            throw new BridgeException(operation, BridgeErrorCode.of(node.path("code").asString("")),
                    node.path("error").asString("no error message"));
        }
        return node;
    }

    /** Copies the C string, then gives it back to the Go side. */
    private static String take(Pointer string) {
        try {
            return string.getString(0, "UTF-8");
        } finally {
            WabridgeNative.wb_free(string);
        }
    }
}
