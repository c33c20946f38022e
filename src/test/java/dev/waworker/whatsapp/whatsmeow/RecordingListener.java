package dev.waworker.whatsapp.whatsmeow;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientEventListener;

/** Keeps every event a client delivered, and the thread that delivered it. */
final class RecordingListener implements ClientEventListener {

    private final List<ClientEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(ClientEvent event) {
        events.add(event);
        threads.add(Thread.currentThread().getName());
    }

    List<ClientEvent> events() {
        return List.copyOf(events);
    }

    List<String> threads() {
        return List.copyOf(threads);
    }
}
