package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

import com.rabbitmq.client.AMQP.BasicProperties;
import com.rabbitmq.client.Envelope;

class MessageCopiesTest {

    private final AbsentContentTypeKeepingConverter converter = new AbsentContentTypeKeepingConverter();

    @Test
    void copiesWhatTheSenderPublished() {
        BasicProperties published = new BasicProperties.Builder()
                .contentType("text/plain").contentEncoding("UTF-8")
                .headers(Map.of("__TypeId__", "com.example.Command", "tenant", "acme"))
                .deliveryMode(2).priority(3).correlationId("corr-1").replyTo("replies").expiration("60000")
                .messageId("msg-1").timestamp(new Date(1_765_029_100_000L)).type("command").appId("backend")
                .clusterId("c1").userId("backend-user")
                .build();

        MessageProperties copy = MessageCopies.asPublished(received(published)).getMessageProperties();
        BasicProperties sent = converter.fromMessageProperties(copy, "UTF-8");

        assertThat(sent.getContentType()).isEqualTo("text/plain");
        assertThat(sent.getContentEncoding()).isEqualTo("UTF-8");
        assertThat(sent.getHeaders()).containsEntry("__TypeId__", "com.example.Command").containsEntry("tenant", "acme");
        assertThat(sent.getDeliveryMode()).isEqualTo(2);
        assertThat(sent.getPriority()).isEqualTo(3);
        assertThat(sent.getCorrelationId()).isEqualTo("corr-1");
        assertThat(sent.getReplyTo()).isEqualTo("replies");
        assertThat(sent.getExpiration()).isEqualTo("60000");
        assertThat(sent.getMessageId()).isEqualTo("msg-1");
        assertThat(sent.getTimestamp()).isEqualTo(new Date(1_765_029_100_000L));
        assertThat(sent.getType()).isEqualTo("command");
        assertThat(sent.getAppId()).isEqualTo("backend");
        assertThat(sent.getClusterId()).isEqualTo("c1");
        assertThat(sent.getUserId()).as("RabbitMQ refuses another user's user_id").isNull();
    }

    @Test
    void keepsAnAbsentContentTypeAndDeliveryModeAbsent() {
        Message received = received(new BasicProperties.Builder().build());

        assertThat(received.getMessageProperties().getContentType()).isNull();
        BasicProperties sent = converter.fromMessageProperties(
                MessageCopies.asPublished(received).getMessageProperties(), "UTF-8");
        assertThat(sent.getContentType()).isNull();
        assertThat(sent.getDeliveryMode()).isNull();
    }

    @Test
    void keepsTheBodyByteForByte() {
        byte[] body = {(byte) 0xff, 0, '{'};

        Message copy = MessageCopies.asPublished(new Message(body, converter.toMessageProperties(
                new BasicProperties.Builder().build(), envelope(), "UTF-8")));

        assertThat(copy.getBody()).containsExactly(0xff, 0, '{');
    }

    @Test
    void addsTheReasonAndTheQueueToADeadLetterAndDropsItsExpiration() {
        Message received = received(new BasicProperties.Builder()
                .contentType("application/json").expiration("60000").headers(Map.of("tenant", "acme")).build());

        MessageProperties dead = MessageCopies.deadLetter(received, "unknown action 'foo'", "whatsapp.session.update")
                .getMessageProperties();

        assertThat(dead.getHeaders())
                .containsEntry("x-error", "unknown action 'foo'")
                .containsEntry("x-original-queue", "whatsapp.session.update")
                .containsEntry("tenant", "acme");
        assertThat(dead.getExpiration()).isNull();
        assertThat(dead.getContentType()).isEqualTo("application/json");
        assertThat(received.getMessageProperties().getHeaders()).doesNotContainKey("x-error");
    }

    @Test
    void aTruncatedDeadLetterKeepsTheFirstKibibyteAndTheFullSize() {
        byte[] body = new byte[5000];
        body[0] = '{';
        Message received = new Message(body, converter.toMessageProperties(
                new BasicProperties.Builder().messageId("big-1").build(), envelope(), "UTF-8"));

        Message dead = MessageCopies.truncatedDeadLetter(received, "command too large", "whatsapp.session.update");

        assertThat(dead.getBody()).hasSize(1024).startsWith((byte) '{');
        assertThat(dead.getMessageProperties().getHeaders())
                .containsEntry("x-error", "command too large")
                .containsEntry("x-original-size", 5000L);
        assertThat(dead.getMessageProperties().getMessageId()).isEqualTo("big-1");
    }

    @Test
    void theConverterReadsPresentPropertiesAsSpringDoes() {
        Message received = received(new BasicProperties.Builder().contentType("application/json").deliveryMode(1).build());

        assertThat(received.getMessageProperties().getContentType()).isEqualTo("application/json");
        assertThat(received.getMessageProperties().getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.NON_PERSISTENT);
        assertThat(received.getMessageProperties().getRedelivered()).isTrue();
    }

    private Message received(BasicProperties published) {
        return new Message("{}".getBytes(), converter.toMessageProperties(published, envelope(), "UTF-8"));
    }

    private static Envelope envelope() {
        return new Envelope(7, true, "", "whatsapp.session.update");
    }
}
