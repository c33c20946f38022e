package dev.waworker.amqp;

import java.nio.charset.StandardCharsets;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/** Command messages for tests that hand them to a {@link CommandListener} without a worker around it. */
final class CommandMessages {

    private CommandMessages() {
    }

    /** A {@code create} for {@code number}, carrying {@code messageId} (echoed as the command's correlation id). */
    static Message create(long number, String messageId) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setMessageId(messageId);
        return new Message(("{\"action\":\"create\",\"data\":{\"numberId\":" + number
                + ",\"phoneNumber\":\"+221771234567\"}}").getBytes(StandardCharsets.UTF_8), properties);
    }
}
