package dev.waworker.amqp;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.waworker.config.ConditionalOnSharedDatabase;
import dev.waworker.config.OwnershipProperties;
import dev.waworker.config.WorkerProperties;
import dev.waworker.ownership.LeaseTerms;
import dev.waworker.ownership.NumberOwnership;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Several workers on one database: the rounds that keep this worker's queue declared and clear up dead workers'
 * queues ({@link DeadWorkerQueues}), every third of the lease time while the worker runs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSharedDatabase
class DeadWorkerQueuesConfiguration {

    @Bean
    DeadWorkerQueues deadWorkerQueues(NumberOwnership ownership, CommandListener listener, RabbitOperations rabbit,
            WorkerProperties worker, OwnershipProperties leases, MeterRegistry meters,
            @Qualifier("deadQueueRounds") ScheduledExecutorService rounds) {
        OwnWorkerQueue own = new OwnWorkerQueue(rabbit, worker.amqp().workerQueue(worker.id()), leases.queueExpiry());
        // One drain takes at most a lease time: the rest of a long queue waits for the next round.
        DeadQueueDrain drain = new DeadQueueDrain(rabbit, listener, worker.amqp().prefetch(), leases.leaseTime());
        return new DeadWorkerQueues(ownership, own, drain, meters, rounds,
                new LeaseTerms(leases.leaseTime()).renewEvery());
    }

    /** One round at a time, on a thread of its own: a slow drain never holds up the lease renewals. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService deadQueueRounds() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("dead-queues").daemon().factory());
    }
}
