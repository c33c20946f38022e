package dev.waworker.amqp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

import dev.waworker.session.EventHeader;
import dev.waworker.session.NumberStatus;
import dev.waworker.session.WorkerEvent;
import dev.waworker.session.WorkerEvent.Connected;
import dev.waworker.session.WorkerEvent.Disconnected;
import dev.waworker.session.WorkerEvent.PairingCode;
import dev.waworker.session.WorkerEvent.QrGenerated;
import dev.waworker.session.WorkerEvent.QrRegenerating;
import dev.waworker.session.WorkerEvent.Status;
import dev.waworker.session.WorkerEvent.StatusEnd;
import dev.waworker.store.OwedEvent;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a {@link WorkerEvent} as the contract's message on {@code whatsapp.worker.events}: a plain JSON object
 * that we build field by field, so that no type header ({@code __TypeId__}) naming one of our classes reaches the
 * backend, whose Jackson converter would try to load that class and reject the message.
 */
final class EventMessages {

    static final String APP_ID = "whatsapp-worker";

    private final JsonMapper json = JsonMapper.builder().build();
    private final String workerId;

    EventMessages(String workerId) {
        this.workerId = Objects.requireNonNull(workerId, "workerId");
    }

    /** A new message for the event, with a new {@code eventId}. */
    Message toMessage(WorkerEvent event) {
        String eventId = UUID.randomUUID().toString();
        return new Message(json.writeValueAsBytes(body(event, eventId)), properties(event.action(), eventId,
                event.header().timestamp(), event.header().correlationId()));
    }

    /** The body of the event's message, as the outbox keeps it until it is published. */
    String encode(WorkerEvent event, String eventId) {
        return json.writeValueAsString(body(event, eventId));
    }

    /** The message of an event kept in the outbox: the same body, the same properties as a fresh one. */
    static Message toMessage(OwedEvent owed) {
        return new Message(owed.body().getBytes(StandardCharsets.UTF_8),
                properties(owed.action(), owed.eventId(), owed.occurredAt(), owed.correlationId()));
    }

    private ObjectNode body(WorkerEvent event, String eventId) {
        EventHeader header = event.header();
        ObjectNode body = json.createObjectNode();
        body.put("action", event.action());
        if (!(event instanceof StatusEnd)) {
            // The end of a resync is about no number.
            body.put("numberId", header.numberId());
            body.put("sessionId", header.sessionId());
        }
        body.put("timestamp", header.timestamp().toEpochMilli());
        body.put("eventId", eventId);
        body.put("workerId", workerId);
        switch (event) {
            case QrGenerated qr -> {
                body.put("qrCode", qr.qrCode());
                body.put("expiresAt", qr.expiresAt().toEpochMilli());
                body.put("qrIndex", qr.qrIndex());
            }
            case PairingCode pairing -> {
                body.put("code", pairing.code());
                body.put("expiresAt", pairing.expiresAt().toEpochMilli());
            }
            case QrRegenerating regenerating -> {
                body.put("attempt", regenerating.attempt());
                body.put("maxAttempts", regenerating.maxAttempts());
                body.put("message", regenerating.message());
            }
            case Connected connected -> {
                body.put("phoneNumber", connected.phoneNumber());
                body.put("jid", connected.jid());
                connected.message().ifPresent(message -> body.put("message", message));
            }
            case Disconnected disconnected -> body.put("reason", disconnected.reason());
            case WorkerEvent.Error error -> {
                body.put("error", error.error());
                body.put("code", error.code().name());
            }
            case Status status -> putStatus(body, status);
            case StatusEnd end -> {
                body.put("requestId", end.requestId());
                body.put("count", end.count());
            }
        }
        return body;
    }

    /** A {@code status} event's fields: its {@code state} and those the state carries (see CONTRACT.md). */
    private static void putStatus(ObjectNode body, Status event) {
        NumberStatus status = event.status();
        body.put("state", status.state().wireName());
        status.since().ifPresent(since -> body.put("since", since.toEpochMilli()));
        event.requestId().ifPresent(requestId -> body.put("requestId", requestId));
        switch (status.state()) {
            case PAIRING -> {
                status.pairingMethod().ifPresent(method -> body.put("pairingMethod", method.name().toLowerCase(
                        Locale.ROOT)));
                body.put("attempt", status.attempt());
                body.put("maxAttempts", event.maxAttempts());
                body.put("qrIndex", status.qrIndex());
                status.expiresAt().ifPresent(expiresAt -> body.put("expiresAt", expiresAt.toEpochMilli()));
                event.qrCode().ifPresent(qrCode -> body.put("qrCode", qrCode));
                event.pairingCode().ifPresent(code -> body.put("pairingCode", code));
            }
            case CONNECTING, CONNECTED -> {
                status.linkedPhoneNumber().ifPresent(phoneNumber -> body.put("phoneNumber", phoneNumber));
                status.jid().ifPresent(jid -> body.put("jid", jid));
            }
            case DISCONNECTED -> status.reason().ifPresent(reason -> body.put("reason", reason));
            case FAILED -> {
                status.code().ifPresent(code -> body.put("code", code.name()));
                status.reason().ifPresent(error -> body.put("error", error));
            }
            case UNKNOWN -> { }
        }
    }

    private static MessageProperties properties(String action, String eventId, Instant timestamp,
            Optional<String> correlationId) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding("UTF-8");
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setMessageId(eventId);
        properties.setType(action);
        properties.setTimestamp(Date.from(timestamp));
        properties.setAppId(APP_ID);
        correlationId.ifPresent(properties::setCorrelationId);
        return properties;
    }
}
