package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;

class ConfirmedSenderTest {

    @Test
    void refusesAConnectionFactoryWithoutCorrelatedConfirmsAndReturns() {
        CachingConnectionFactory withoutConfirms = new CachingConnectionFactory("localhost");
        withoutConfirms.setPublisherReturns(true);
        CachingConnectionFactory withoutReturns = new CachingConnectionFactory("localhost");
        withoutReturns.setPublisherConfirmType(ConfirmType.CORRELATED);

        for (CachingConnectionFactory factory : new CachingConnectionFactory[] {withoutConfirms, withoutReturns}) {
            assertThatThrownBy(() -> new ConfirmedSender(factory, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("spring.rabbitmq.publisher-confirm-type=correlated")
                    .hasMessageContaining("spring.rabbitmq.publisher-returns=true");
            factory.destroy();
        }
    }
}
