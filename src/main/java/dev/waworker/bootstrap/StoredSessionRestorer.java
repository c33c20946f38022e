package dev.waworker.bootstrap;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.waworker.session.SessionManager;

/** Once everything is up (the broker included), linked devices from earlier runs reconnect. */
@Component
class StoredSessionRestorer {

    private final SessionManager sessions;

    StoredSessionRestorer(SessionManager sessions) {
        this.sessions = sessions;
    }

    @EventListener(ApplicationReadyEvent.class)
    void restore() {
        sessions.restoreStoredSessions();
    }
}
