package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

import dev.waworker.session.ErrorCode;
import dev.waworker.session.EventHeader;
import dev.waworker.session.WorkerEvent;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

class EventMessagesTest {

    private static final Instant AT = Instant.ofEpochMilli(1_765_029_000_123L);
    private static final EventHeader HEADER =
            new EventHeader(6, "session_6_+221771234567", AT, Optional.of("command-42"));

    private final EventMessages messages = new EventMessages("worker-1");

    @Test
    void writesQrGenerated() {
        Map<String, Object> body = body(messages.toMessage(new WorkerEvent.QrGenerated(
                HEADER, "data:image/png;base64,iVBORw0KGgo=", Instant.ofEpochMilli(1_765_029_020_123L), 2)));

        assertThat(body).containsExactlyEntriesOf(expected(body, "qr_generated",
                "qrCode", "data:image/png;base64,iVBORw0KGgo=",
                "expiresAt", 1_765_029_020_123L,
                "qrIndex", 2));
    }

    @Test
    void writesPairingCode() {
        Map<String, Object> body = body(messages.toMessage(new WorkerEvent.PairingCode(
                HEADER, "ABCD-EFGH", Instant.ofEpochMilli(1_765_029_160_123L))));

        assertThat(body).containsExactlyEntriesOf(expected(body, "pairing_code",
                "code", "ABCD-EFGH",
                "expiresAt", 1_765_029_160_123L));
    }

    @Test
    void aPairingCodeEventShowsNoCodeWhenPrinted() {
        WorkerEvent event = new WorkerEvent.PairingCode(HEADER, "ABCD-EFGH", Instant.ofEpochMilli(1_765_029_160_123L));

        assertThat(event.toString()).doesNotContain("ABCD").contains("expiresAt");
    }

    @Test
    void writesQrRegenerating() {
        Map<String, Object> body = body(messages.toMessage(new WorkerEvent.QrRegenerating(
                HEADER, 1, 3, "QR code expired. Generating new QR code (attempt 1/3)")));

        assertThat(body).containsExactlyEntriesOf(expected(body, "qr_regenerating",
                "attempt", 1,
                "maxAttempts", 3,
                "message", "QR code expired. Generating new QR code (attempt 1/3)"));
    }

    @Test
    void writesConnectedWithItsMessageOnlyWhenThereIsOne() {
        Map<String, Object> plain = body(messages.toMessage(new WorkerEvent.Connected(
                HEADER, "+221771234567", "221771234567:3@s.whatsapp.net", Optional.empty())));
        Map<String, Object> withMessage = body(messages.toMessage(new WorkerEvent.Connected(
                HEADER, "+221771234567", "221771234567:3@s.whatsapp.net",
                Optional.of("Session already connected. No QR needed."))));

        assertThat(plain).containsExactlyEntriesOf(expected(plain, "connected",
                "phoneNumber", "+221771234567",
                "jid", "221771234567:3@s.whatsapp.net"));
        assertThat(withMessage).containsEntry("message", "Session already connected. No QR needed.");
    }

    @Test
    void writesDisconnected() {
        Map<String, Object> body = body(messages.toMessage(new WorkerEvent.Disconnected(HEADER, "closed by backend")));

        assertThat(body).containsExactlyEntriesOf(
                expected(body, "disconnected", "reason", "closed by backend"));
    }

    @Test
    void writesErrorWithItsCode() {
        String text = "QR code generation failed after 3 attempts. Please request a new validation.";
        Map<String, Object> body = body(messages.toMessage(
                new WorkerEvent.Error(HEADER, ErrorCode.QR_RETRIES_EXHAUSTED, text)));

        assertThat(body).containsExactlyEntriesOf(expected(body, "error",
                "error", text,
                "code", "QR_RETRIES_EXHAUSTED"));
    }

    @Test
    void setsTheContractsPropertiesAndNoTypeHeader() {
        Message message = messages.toMessage(new WorkerEvent.Disconnected(HEADER, "closed by backend"));
        MessageProperties properties = message.getMessageProperties();

        assertThat(properties.getContentType()).isEqualTo("application/json");
        assertThat(properties.getContentEncoding()).isEqualTo("UTF-8");
        assertThat(properties.getDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(properties.getMessageId()).isEqualTo(body(message).get("eventId"));
        assertThat(properties.getType()).isEqualTo("disconnected");
        assertThat(properties.getTimestamp()).isEqualTo(Date.from(AT));
        assertThat(properties.getAppId()).isEqualTo("whatsapp-worker");
        assertThat(properties.getCorrelationId()).isEqualTo("command-42");
        assertThat(properties.getHeaders()).isEmpty();
    }

    @Test
    void leavesTheCorrelationIdOutWhenTheEventHasNone() {
        EventHeader uncorrelated = new EventHeader(6, "session_6_+221771234567", AT, Optional.empty());

        Message message = messages.toMessage(new WorkerEvent.Disconnected(uncorrelated, "logged out"));

        assertThat(message.getMessageProperties().getCorrelationId()).isNull();
    }

    @Test
    void givesEveryMessageANewEventId() {
        WorkerEvent event = new WorkerEvent.Disconnected(HEADER, "closed by backend");

        Object first = body(messages.toMessage(event)).get("eventId");
        Object second = body(messages.toMessage(event)).get("eventId");

        assertThat(first).isNotEqualTo(second);
        assertThat(UUID.fromString((String) first)).isNotNull();
    }

    /** The six fields every event starts with, in the contract's order, then the action's own fields. */
    private static Map<String, Object> expected(Map<String, Object> actual, String action, Object... ownFields) {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("action", action);
        expected.put("numberId", 6);
        expected.put("sessionId", "session_6_+221771234567");
        expected.put("timestamp", 1_765_029_000_123L);
        expected.put("eventId", actual.get("eventId"));
        expected.put("workerId", "worker-1");
        for (int i = 0; i < ownFields.length; i += 2) {
            expected.put((String) ownFields[i], ownFields[i + 1]);
        }
        return expected;
    }

    private static Map<String, Object> body(Message message) {
        return JsonMapper.builder().build().readValue(message.getBody(), new TypeReference<>() {
        });
    }
}
