package dev.waworker.bootstrap;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

import dev.waworker.config.ConditionalOnSharedDatabase;
import dev.waworker.config.OwnershipProperties;
import dev.waworker.config.SharedDatabase;
import dev.waworker.config.WorkerProperties;
import dev.waworker.ownership.JdbcLeases;
import dev.waworker.ownership.LeaseTerms;
import dev.waworker.ownership.NumberOwnership;
import dev.waworker.ownership.OutboxHandOver;
import dev.waworker.ownership.Owner;
import dev.waworker.session.SessionHandOver;
import dev.waworker.store.OutboxTransfer;
import dev.waworker.store.ValidationRecords;
import io.micrometer.core.instrument.MeterRegistry;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/** One owner per number among the workers that share a PostgreSQL database; absent with the embedded SQLite. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSharedDatabase
class OwnershipConfiguration {

    @Bean(initMethod = "register")
    NumberOwnership numberOwnership(SharedDatabase database, ValidationRecords records, SessionHandOver sessions,
            WhatsAppClientFactory whatsApp, WorkerProperties worker, OwnershipProperties ownership,
            OutboxTransfer transfer, TransactionTemplate transactions, MeterRegistry meters, Clock clock) {
        LeaseTerms terms = new LeaseTerms(ownership.leaseTime());
        JdbcLeases leases = new JdbcLeases(database.jdbc(), worker.id(), terms);
        return new NumberOwnership(leases,
                new OutboxHandOver(leases, transfer, transactions, terms, worker.id(), meters), records, sessions,
                whatsApp, terms, new Owner(worker.id(), worker.amqp().workerQueue(worker.id())),
                ownership.takeoverBatch(), clock);
    }

    /** Renewals and take-overs, one at a time. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService leaseTicks() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("lease-renewal").daemon().factory());
    }

    /** The fence check alone: a renewal stuck in the database must not delay it. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService fenceChecks() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("lease-fence").daemon().factory());
    }
}
