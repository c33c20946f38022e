package dev.waworker.session;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EventSink} that confirms at once and remembers every event, in order. */
public final class RecordingSink implements EventSink {

    final List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    /** While set, events are taken but not confirmed, as when the broker is away. */
    private volatile boolean holding;
    private final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> publish(WorkerEvent event) {
        events.add(event);
        if (holding) {
            CompletableFuture<Void> confirm = new CompletableFuture<>();
            held.add(confirm);
            return confirm;
        }
        return CompletableFuture.completedFuture(null);
    }

    /** From now on, confirms nothing until {@link #confirmHeld()}. */
    void holdConfirms() {
        holding = true;
    }

    /** Confirms what was held, in order, and every event from now on. */
    void confirmHeld() {
        holding = false;
        for (CompletableFuture<Void> confirm : held) {
            confirm.complete(null);
        }
        held.clear();
    }

    List<String> actions() {
        return events.stream().map(WorkerEvent::action).toList();
    }

    public List<WorkerEvent> of(long numberId) {
        return events.stream().filter(event -> event.header().numberId() == numberId).toList();
    }

    <T extends WorkerEvent> T last(Class<T> type) {
        return events.reversed().stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + actions()));
    }

    void clear() {
        events.clear();
    }
}
