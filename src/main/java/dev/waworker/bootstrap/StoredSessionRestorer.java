package dev.waworker.bootstrap;

import java.util.concurrent.ScheduledExecutorService;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.waworker.ownership.NumberOwnership;
import dev.waworker.session.SessionHandOver;
import dev.waworker.store.ValidationRecords;

/**
 * Once everything is up (the broker included), linked devices from earlier runs reconnect, and the validations that
 * were in progress when the worker stopped or crashed are taken up again. With several workers on one database,
 * only what this worker can claim; the rest of the linked devices come back through the periodic take-over.
 */
@Component
class StoredSessionRestorer {

    private final SessionHandOver sessions;
    private final ValidationRecords records;
    private final ObjectProvider<NumberOwnership> ownership;
    private final ObjectProvider<ScheduledExecutorService> leaseTicks;
    private final ObjectProvider<ScheduledExecutorService> fenceChecks;

    StoredSessionRestorer(SessionHandOver sessions, ValidationRecords records, ObjectProvider<NumberOwnership> ownership,
            @Qualifier("leaseTicks") ObjectProvider<ScheduledExecutorService> leaseTicks,
            @Qualifier("fenceChecks") ObjectProvider<ScheduledExecutorService> fenceChecks) {
        this.sessions = sessions;
        this.records = records;
        this.ownership = ownership;
        this.leaseTicks = leaseTicks;
        this.fenceChecks = fenceChecks;
    }

    @EventListener(ApplicationReadyEvent.class)
    void restore() {
        NumberOwnership shared = ownership.getIfAvailable();
        if (shared == null) {
            sessions.restore(records.validations());
            return;
        }
        shared.start(records.validations());
        shared.schedule(leaseTicks.getObject(), fenceChecks.getObject());
    }
}
