package dev.waworker.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Who handles a command, one row per rule and edge, at a fixed instant: the policy is a function of its inputs. */
class OwnershipPolicyTest {

    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Owner ME = new Owner("me", "queue.me");
    private static final Owner OTHER = new Owner("other", "queue.other");
    private static final Owner NAMED = new Owner("named", "queue.named");
    private static final OwnershipPolicy POLICY = new OwnershipPolicy(new LeaseTerms(LEASE), ME);

    static Stream<Arguments> cases() {
        return Stream.of(
                row("nobody ever held it, nobody named", none(), nobody(), new Route.Here()),
                row("my live lease", lease(ME, NOW.plusSeconds(1)), nobody(), new Route.Here()),
                row("another's live lease", lease(OTHER, NOW.plusMillis(1)), nobody(), new Route.Forward(OTHER)),
                row("another's lease expiring now", lease(OTHER, NOW), nobody(), new Route.Here()),
                row("another's expired lease", lease(OTHER, NOW.minusSeconds(1)), nobody(), new Route.Here()),
                row("a released lease", lease(OTHER, Instant.EPOCH), nobody(), new Route.Here()),
                row("named worker never started", lease(OTHER, NOW.plusSeconds(1)), neverStarted(),
                        new Route.UnknownWorker("ghost",
                                "no worker of that id is registered (it never started, or it died and was removed)")),
                row("named worker alive, nobody holds it", none(), named(NOW.minus(LEASE).plusMillis(1)),
                        new Route.Forward(NAMED)),
                row("named worker alive, released lease", lease(OTHER, Instant.EPOCH), named(NOW),
                        new Route.Forward(NAMED)),
                row("named worker dead for exactly a lease", none(), named(NOW.minus(LEASE)), new Route.Here()),
                row("the live owner wins over the named worker", lease(OTHER, NOW.plusSeconds(1)), named(NOW),
                        new Route.Forward(OTHER)),
                row("my live lease wins over the named worker", lease(ME, NOW.plusSeconds(1)), named(NOW),
                        new Route.Here()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesWhoHandlesTheCommand(String situation, Optional<Lease> lease, NamedWorker named, Route expected) {
        assertThat(POLICY.decide(new LeaseSnapshot(lease, named), NOW)).isEqualTo(expected);
    }

    private static Arguments row(String situation, Optional<Lease> lease, NamedWorker named, Route expected) {
        return Arguments.of(situation, lease, named, expected);
    }

    private static Optional<Lease> none() {
        return Optional.empty();
    }

    private static Optional<Lease> lease(Owner holder, Instant expiresAt) {
        return Optional.of(new Lease(holder, expiresAt, 7));
    }

    private static NamedWorker nobody() {
        return new NamedWorker.None();
    }

    private static NamedWorker neverStarted() {
        return new NamedWorker.NeverStarted("ghost");
    }

    private static NamedWorker named(Instant heartbeatAt) {
        return new NamedWorker.Registered(NAMED, heartbeatAt);
    }
}
