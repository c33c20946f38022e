package dev.waworker.amqp;

import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

import com.rabbitmq.client.AMQP.BasicProperties;
import com.rabbitmq.client.Envelope;

/**
 * Reads AMQP properties as Spring does, except that a message without {@code content_type} keeps none: Spring
 * would report {@code application/octet-stream}, and a forwarded or dead-lettered copy must not gain a content type
 * the original did not have.
 */
final class AbsentContentTypeKeepingConverter extends DefaultMessagePropertiesConverter {

    // MessageProperties declares its content type non-null; here null means "the message has none", and Spring's
    // writing side (fromMessageProperties) already turns null back into an absent content_type.
    @Override
    public MessageProperties toMessageProperties(BasicProperties source, Envelope envelope, String charset) {
        MessageProperties target = super.toMessageProperties(source, envelope, charset);
        if (source.getContentType() == null) {
            target.setContentType(null);
        }
        return target;
    }
}
