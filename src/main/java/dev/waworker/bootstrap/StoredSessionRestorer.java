package dev.waworker.bootstrap;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.waworker.session.SessionManager;
import dev.waworker.store.JdbcOutbox;

/**
 * Once everything is up (the broker included), linked devices from earlier runs reconnect, and the validations that
 * were in progress when the worker stopped or crashed are taken up again.
 */
@Component
class StoredSessionRestorer {

    private final SessionManager sessions;
    private final JdbcOutbox records;

    StoredSessionRestorer(SessionManager sessions, JdbcOutbox records) {
        this.sessions = sessions;
        this.records = records;
    }

    @EventListener(ApplicationReadyEvent.class)
    void restore() {
        sessions.restore(records.validations());
    }
}
