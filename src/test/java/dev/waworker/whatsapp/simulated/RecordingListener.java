package dev.waworker.whatsapp.simulated;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientEventListener;

/** Keeps every event it receives, and the name of the thread that delivered it. */
final class RecordingListener implements ClientEventListener {

    record Delivery(ClientEvent event, String threadName) {
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(ClientEvent event) {
        deliveries.add(new Delivery(event, Thread.currentThread().getName()));
    }

    List<ClientEvent> events() {
        return deliveries.stream().map(Delivery::event).toList();
    }

    /** The events after the first {@code seen} ones. */
    List<ClientEvent> eventsAfter(int seen) {
        List<ClientEvent> events = events();
        return events.subList(seen, events.size());
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }
}
