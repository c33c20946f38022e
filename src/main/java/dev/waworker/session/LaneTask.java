package dev.waworker.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One task on a number's lane: the inputs still to decide (the one queued, then the world's answers to its
 * effects, in order) and the events the task owes the backend, written with the number's record when it ends.
 */
final class LaneTask {

    private final StepOrigin origin;
    private final Deque<Input> inputs = new ArrayDeque<>();
    private final List<StepRecord.Owed> owed = new ArrayList<>();
    private boolean failed;

    LaneTask(StepOrigin origin, Input first) {
        this.origin = origin;
        inputs.add(first);
    }

    StepOrigin origin() {
        return origin;
    }

    long numberId() {
        return origin.numberId();
    }

    boolean hasInput() {
        return !inputs.isEmpty();
    }

    Input nextInput() {
        return inputs.poll();
    }

    /** The world's answer to an effect: decided next, within this task. */
    void then(Input answer) {
        inputs.add(answer);
    }

    /** A step threw: {@code failure} is decided next, instead of what the step's effects had answered. */
    void failedWith(Input failure) {
        inputs.clear();
        inputs.add(failure);
        failed = true;
    }

    /** Whether a step of the task threw: its failure ended the number's validation, whatever queued the task. */
    boolean failed() {
        return failed;
    }

    /**
     * Owes the backend {@code event}; returns the id it is written and delivered under. The session names its
     * events itself, so that it knows which confirm is the one of the QR it shows.
     */
    String owe(WorkerEvent event) {
        String eventId = UUID.randomUUID().toString();
        owed.add(new StepRecord.Owed(eventId, event));
        return eventId;
    }

    /** What the task leaves behind, with {@code change} to the number's record and its new {@code status}. */
    StepRecord record(StepRecord.Change change, Optional<NumberStatus> status) {
        return new StepRecord(origin.numberId(), change, owed, status);
    }

    /** How the number's session ended in this task: the last event it owes that ends a session, if any. */
    Optional<NumberStatus> ending() {
        for (int i = owed.size() - 1; i >= 0; i--) {
            Optional<NumberStatus> ended = NumberStatus.endedBy(owed.get(i).event());
            if (ended.isPresent()) {
                return ended;
            }
        }
        return Optional.empty();
    }

    boolean owesNothing() {
        return owed.isEmpty();
    }
}
