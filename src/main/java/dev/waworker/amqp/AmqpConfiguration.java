package dev.waworker.amqp;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.waworker.config.OwnershipProperties;
import dev.waworker.config.SharedDatabase;
import dev.waworker.config.WorkerProperties;
import dev.waworker.ownership.NumberOwnership;
import dev.waworker.session.DeliveryNotices;
import dev.waworker.session.SessionCommandHandler;
import dev.waworker.session.SessionManager;
import dev.waworker.store.EventEncoder;
import dev.waworker.store.OutboxJournal;
import dev.waworker.store.OutboxReader;
import dev.waworker.store.StoreProbe;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Wires the AMQP layer: the queues, the event publisher and the relay that feeds it from the outbox, and the
 * command listener with its container. Publisher confirms and returns are switched on in {@code application.yml}
 * ({@code spring.rabbitmq.publisher-confirm-type: correlated}, {@code publisher-returns: true});
 * {@link ConfirmedSender} refuses to start without them.
 */
@Configuration(proxyBeanMethods = false)
class AmqpConfiguration {

    /** With several workers on one database, this worker's queue expires once unused (see {@link AmqpTopology}). */
    @Bean
    Declarables workerQueues(WorkerProperties worker, ObjectProvider<SharedDatabase> shared,
            OwnershipProperties ownership) {
        return AmqpTopology.declarables(worker, Optional.ofNullable(shared.getIfAvailable())
                .map(database -> ownership.queueExpiry()));
    }

    /**
     * Declares the queues whenever a connection opens. A queue that already exists with other arguments (a
     * backend's own declaration) is logged and used as it is rather than failing every connection: the worker
     * only needs the queue to be there.
     */
    @Bean
    RabbitAdmin amqpAdmin(ConnectionFactory connectionFactory) {
        RabbitAdmin admin = new RabbitAdmin(connectionFactory);
        admin.setIgnoreDeclarationExceptions(true);
        return admin;
    }

    @Bean
    ConfirmedSender confirmedSender(ConnectionFactory connectionFactory, WorkerProperties worker) {
        return new ConfirmedSender(connectionFactory, worker.amqp().confirmTimeout());
    }

    @Bean
    EventPublisher eventPublisher(ConfirmedSender sender, WorkerProperties worker, MeterRegistry meters) {
        EventMeterBaseline.register(meters);
        return new EventPublisher(sender, worker.id(), worker.amqp().eventsQueue(), worker.amqp().publishAttempts(),
                meters);
    }

    /** The outbox keeps each event's body exactly as it will be published. */
    @Bean
    EventEncoder eventEncoder(WorkerProperties worker) {
        return new EventMessages(worker.id())::encode;
    }

    @Bean
    OutboxRelay outboxRelay(OutboxReader outbox, EventPublisher publisher, DeliveryNotices notices, Clock clock,
            MeterRegistry meters) {
        return new OutboxRelay(outbox, publisher, notices, clock, meters);
    }

    /**
     * The listener's own answers (refused or unknown-worker commands) go through the outbox like all events: its sink
     * is the journal, not the publisher (both are event sinks).
     */
    @Bean
    CommandListener commandListener(SessionCommandHandler handler, OutboxJournal events, ConfirmedSender sender,
            RabbitOperations rabbit, WorkerProperties worker, MeterRegistry meters, Clock clock,
            ObjectProvider<NumberOwnership> ownership, ExecutorService sessionLaneExecutor) {
        // Several workers on a shared database route by the numbers' owners; one alone by the named worker only.
        NumberOwnership shared = ownership.getIfAvailable();
        CommandRouter router = shared != null ? new LeaseRouter(shared)
                : new QueueRouter(new WorkerQueueDirectory(rabbit, clock), worker);
        // Routing runs on the lane threads: a claim of a number's lease is a step of that number like any other.
        return new CommandListener(handler, events, sender, router, worker, new CommandMetrics(meters), clock,
                sessionLaneExecutor);
    }

    @Bean
    CommandIntake commandIntake(ConnectionFactory connectionFactory, RabbitAdmin admin, CommandListener listener,
            SessionManager sessions, OutboxRelay events, WorkerProperties worker, LifecycleProperties lifecycle,
            StoreProbe storeProbe) {
        return new CommandIntake(commandContainer(connectionFactory, admin, listener, worker), listener,
                sessions::shutdown, events, lifecycle.getTimeoutPerShutdownPhase(), storeProbe);
    }

    /**
     * The broker connection in the log: one WARN when it is lost, one INFO when it is back, Spring AMQP's lines
     * about each retry held back meanwhile; a declaration refused by the broker is not logged twice.
     */
    @Bean(destroyMethod = "close")
    AutoCloseable brokerConnectionLog(ConnectionFactory connectionFactory, Clock clock) {
        if (connectionFactory instanceof AbstractConnectionFactory factory) {
            factory.setCloseExceptionLogger(new ChannelCloseLog());
        }
        BrokerConnectionLog connection = new BrokerConnectionLog(
                connectionFactory.getHost() + ":" + connectionFactory.getPort(), CONSUMER_RECOVERY, clock);
        connectionFactory.addConnectionListener(connection);
        return BrokerRetryLogFilter.install(connection);
    }

    /** {@code commands} in {@code /actuator/health}: the readiness group's view of the intake and the broker. */
    @Bean
    HealthIndicator commandsHealthIndicator(CommandIntake intake, ConnectionFactory connectionFactory) {
        return new CommandIntakeHealth(intake, connectionFactory);
    }

    /**
     * One consumer on each command queue with manual acknowledgements: the listener hands each command to its
     * number's lane and returns, so one consumer keeps the queue's order without waiting for any command.
     */
    /** How often stopped consumers are restarted, and how long a failed start waits before the next try. */
    static final Duration CONSUMER_RECOVERY = Duration.ofSeconds(1);
    /**
     * How often the container's monitor looks for consumers to restart. It restarts them only once more than
     * {@link #CONSUMER_RECOVERY} has passed since its last try, so a monitor as slow as that interval would retry
     * every other tick (every 2 s); a quarter of it keeps the retries 1 to 1.25 s apart.
     */
    static final Duration CONSUMER_MONITOR = CONSUMER_RECOVERY.dividedBy(4);

    private static DirectMessageListenerContainer commandContainer(ConnectionFactory connectionFactory,
            RabbitAdmin admin, CommandListener listener, WorkerProperties worker) {
        DirectMessageListenerContainer container = new DirectMessageListenerContainer(connectionFactory);
        container.setBeanName("commandConsumer");
        container.setQueueNames(worker.amqp().commandQueue(), worker.amqp().workerQueue(worker.id()));
        container.setConsumersPerQueue(1);
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(worker.amqp().prefetch());
        container.setMessagePropertiesConverter(new AbsentContentTypeKeepingConverter());
        container.setMessageListener(listener);
        container.setAmqpAdmin(admin);
        container.setAutoStartup(false);
        // After the broker comes back, consumers are restarted by the container's monitor: every second rather
        // than Spring's defaults (a 30 s monitor, restarts at most every 5 s), so that commands flow again within
        // about a second.
        container.setMonitorInterval(CONSUMER_MONITOR.toMillis());
        container.setRecoveryInterval(CONSUMER_RECOVERY.toMillis());
        container.setFailedDeclarationRetryInterval(CONSUMER_RECOVERY.toMillis());
        container.afterPropertiesSet();
        return container;
    }
}
