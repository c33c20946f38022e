package dev.waworker.whatsapp.whatsmeow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.waworker.whatsapp.ClientEvent;

/**
 * Reads the bridge's JSON events. Every type the bridge emits has a case; a type this version does not know
 * (a newer bridge) becomes a {@link BridgeEvent.Notice} rather than an error.
 */
final class BridgeEventParser {

    private final JsonMapper json = JsonMapper.builder().build();
    private final QrTtls qrTtls;

    BridgeEventParser(QrTtls qrTtls) {
        this.qrTtls = qrTtls;
    }

    BridgeEvent parse(String text) {
        JsonNode event = json.readTree(text);
        long handle = event.path("handle").asLong();
        long numberId = event.path("numberId").asLong();
        String type = event.path("type").asString("");
        return switch (type) {
            case "log" -> new BridgeEvent.Log(handle, numberId, event.path("level").asString("INFO"),
                    event.path("module").asString(""), event.path("message").asString(""));
            case "qr" -> client(handle, new ClientEvent.QrCodes(codes(event), qrTtls.first(), qrTtls.next()));
            case "pair_success" -> client(handle, new ClientEvent.PairSuccess(text(event, "jid"),
                    text(event, "phoneNumber"), text(event, "platform")));
            case "phone_mismatch" -> client(handle, new ClientEvent.PhoneMismatch(text(event, "scannedPhoneNumber")));
            case "pair_error" -> client(handle, new ClientEvent.PairFailed(text(event, "reason")));
            case "connected" -> client(handle, new ClientEvent.Connected(text(event, "jid"),
                    text(event, "phoneNumber")));
            case "logged_out" -> client(handle, new ClientEvent.LoggedOut(text(event, "reason")));
            case "stream_replaced" -> client(handle, new ClientEvent.StreamReplaced());
            case "disconnected" -> client(handle, new ClientEvent.Disconnected(text(event, "reason")));
            case "connect_failed" -> client(handle, new ClientEvent.ConnectFailed(text(event, "reason")));
            case "client_outdated" -> client(handle, new ClientEvent.ClientOutdated(text(event, "reason")));
            case "passkey_required" -> client(handle, new ClientEvent.PasskeyRequired(text(event, "reason")));
            case "client_version" -> new BridgeEvent.ClientVersion(text(event, "version"), text(event, "source"),
                    text(event, "previous"));
            case "scanned_without_multidevice" -> client(handle, new ClientEvent.ScannedWithoutMultidevice());
            case "temporary_ban" -> client(handle, new ClientEvent.TemporaryBan(text(event, "code"),
                    Duration.ofSeconds(event.path("expiresInSeconds").asLong())));
            case "keepalive_timeout" -> client(handle,
                    new ClientEvent.KeepAliveTimeout(event.path("errorCount").asInt()));
            case "keepalive_restored" -> client(handle, new ClientEvent.KeepAliveRestored());
            case "unhandled" -> new BridgeEvent.Notice(handle, numberId,
                    "whatsmeow event not used by the worker: " + text(event, "kind"), false);
            default -> new BridgeEvent.Notice(handle, numberId, "bridge event of unknown type '" + type + "'", true);
        };
    }

    private static BridgeEvent client(long handle, ClientEvent event) {
        return new BridgeEvent.ForClient(handle, event);
    }

    private static String text(JsonNode event, String field) {
        return event.path(field).asString("");
    }

    private static List<String> codes(JsonNode event) {
        List<String> codes = new ArrayList<>();
        event.path("codes").forEach(code -> codes.add(code.asString()));
        return codes;
    }
}
