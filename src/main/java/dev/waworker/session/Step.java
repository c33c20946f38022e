package dev.waworker.session;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a decision returns: the number's next state (empty: no live session any more), what happened, and what the
 * world must do, in order.
 */
record Step(Optional<NumberSession> next, List<Fact> facts, List<Effect> effects) {

    Step {
        facts = List.copyOf(facts);
        effects = List.copyOf(effects);
    }

    /** Nothing happens; the state stays. */
    static Step unchanged(Optional<NumberSession> state) {
        return new Step(state, List.of(), List.of());
    }

    /** This step, then {@code after} from the state it left. */
    Step then(Step after) {
        return new Step(after.next, concat(facts, after.facts), concat(effects, after.effects));
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
