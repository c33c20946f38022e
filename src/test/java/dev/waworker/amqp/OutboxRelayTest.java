package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.waworker.amqp.EventPublisherTest.ScriptedSender;
import dev.waworker.amqp.EventPublisherTest.ScriptedSender.Sent;
import dev.waworker.session.DeliveryNotices;
import dev.waworker.store.OutboxReader;
import dev.waworker.store.OutboxSignal;
import dev.waworker.store.OwedEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The relay's logic against an outbox in memory and a broker whose confirms the test gives: pipelined confirms with
 * per-number order, the outage behaviour, fencing, the notices. The real outbox and broker: OutboxRelayIT and the
 * outage ITs.
 */
class OutboxRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** The outbox in memory: owed events by seq, struck off when delivered or fenced off. */
    static final class InMemoryOutbox implements OutboxReader {
        private final List<OwedEvent> owed = new ArrayList<>();
        private final OutboxSignal written = new OutboxSignal();
        final List<String> fencedOff = new CopyOnWriteArrayList<>();

        void write(OwedEvent event) {
            synchronized (this) {
                owed.add(event);
                owed.sort(Comparator.comparingLong(OwedEvent::seq));
            }
            written.raise();
        }

        @Override
        public synchronized List<OwedEvent> owed(int limit) {
            return List.copyOf(owed.subList(0, Math.min(limit, owed.size())));
        }

        @Override
        public synchronized void delivered(Collection<String> eventIds) {
            owed.removeIf(event -> eventIds.contains(event.eventId()));
        }

        @Override
        public synchronized void fencedOff(Collection<String> eventIds) {
            fencedOff.addAll(eventIds);
            owed.removeIf(event -> eventIds.contains(event.eventId()));
        }

        @Override
        public synchronized long owedCount() {
            return owed.size();
        }

        @Override
        public void awaitWritten(Duration timeout) throws InterruptedException {
            written.await(timeout);
        }

        @Override
        public void wake() {
            written.raise();
        }
    }

    private final InMemoryOutbox outbox = new InMemoryOutbox();
    private final ScriptedSender broker = new ScriptedSender();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EventPublisher publisher = new EventPublisher(broker, "w1", "events", 1, meters);
    private final List<String> notices = new CopyOnWriteArrayList<>();
    private final OutboxRelay relay = new OutboxRelay(outbox, publisher, new DeliveryNotices() {
        @Override
        public void delivered(long numberId, String eventId) {
            notices.add(eventId);
        }

        @Override
        public boolean awaits(String action) {
            return "qr_generated".equals(action);
        }
    }, Clock.systemUTC(), meters);
    private long seq;

    @AfterEach
    void stop() {
        broker.sent.forEach(sent -> sent.confirm().complete(null));
        relay.stop();
        publisher.close();
    }

    private OwedEvent write(String eventId, long numberId) {
        return write(eventId, numberId, "status", Optional.empty(), Optional.empty());
    }

    private OwedEvent write(String eventId, long numberId, String action, Optional<String> leaseHolder,
            Optional<String> numberOwner) {
        OwedEvent event = new OwedEvent(eventId, numberId, ++seq, action, Instant.now(), Optional.empty(),
                "{\"eventId\":\"" + eventId + "\"}", Instant.now(), leaseHolder, numberOwner);
        outbox.write(event);
        return event;
    }

    private List<String> sentIds() {
        return broker.sent.stream().map(sent -> sent.message().getMessageProperties().getMessageId()).toList();
    }

    private Sent sent(String eventId) {
        return broker.sent.stream().filter(sent -> sent.message().getMessageProperties().getMessageId()
                .equals(eventId)).reduce((first, last) -> last).orElseThrow();
    }

    @Test
    void otherNumbersEventsGoWhileANumbersEventAwaitsItsConfirmAndItsNextEventWaitsForIt() {
        relay.start();
        write("a1", 1);
        write("a2", 1);
        write("b1", 2);

        await().atMost(WAIT).until(() -> sentIds().containsAll(List.of("a1", "b1")));
        sent("b1").confirm().complete(null);
        await().atMost(WAIT).until(() -> outbox.owedCount() == 2);
        assertThat(sentIds()).doesNotContain("a2");

        sent("a1").confirm().complete(null);
        await().atMost(WAIT).until(() -> sentIds().contains("a2"));
        sent("a2").confirm().complete(null);
        await().atMost(WAIT).until(() -> outbox.owedCount() == 0);
        assertThat(sentIds()).containsExactly("a1", "b1", "a2");
    }

    @Test
    void anEventWrittenWhileOthersAwaitTheirConfirmsGoesWithoutWaitingForThem() {
        relay.start();
        write("a1", 1);
        broker.awaitSent(0);

        write("b1", 2);

        await().atMost(WAIT).until(() -> sentIds().contains("b1"));
        assertThat(sent("a1").confirm()).isNotDone();
    }

    @Test
    void manyNumbersKeepTheirOwnOrderUnderPipelinedConfirms() {
        relay.start();
        for (int round = 1; round <= 5; round++) {
            for (long number = 1; number <= 20; number++) {
                write("n" + number + "-" + round, number);
            }
        }
        // The broker confirms whatever is on its way, latest first, until everything is delivered.
        await().atMost(WAIT).until(() -> {
            List<Sent> pending = broker.sent.stream().filter(sent -> !sent.confirm().isDone()).toList();
            pending.reversed().forEach(sent -> sent.confirm().complete(null));
            return outbox.owedCount() == 0;
        });
        for (long number = 1; number <= 20; number++) {
            String prefix = "n" + number + "-";
            assertThat(sentIds().stream().filter(id -> id.startsWith(prefix)).toList())
                    .containsExactly(prefix + 1, prefix + 2, prefix + 3, prefix + 4, prefix + 5);
        }
        assertThat(sentIds()).hasSize(100);
    }

    @Test
    void whileTheBrokerIsAwayOnlyTheOldestEventIsTriedAndEverythingFollowsInOrderOnceItIsBack() {
        relay.start();
        write("a1", 1);
        write("a2", 1);
        write("b1", 2);
        await().atMost(WAIT).until(() -> sentIds().containsAll(List.of("a1", "b1")));

        sent("a1").confirm().completeExceptionally(new PublishFailedException("no confirm"));
        sent("b1").confirm().completeExceptionally(new PublishFailedException("no confirm"));

        // After the pause, the oldest alone, again and again while it fails.
        await().atMost(WAIT).until(() -> broker.sent.size() == 3);
        assertThat(sentIds().getLast()).isEqualTo("a1");
        broker.sent.getLast().confirm().completeExceptionally(new PublishFailedException("no confirm"));
        await().atMost(WAIT).until(() -> broker.sent.size() == 4);
        assertThat(sentIds().getLast()).isEqualTo("a1");
        assertThat(outbox.owedCount()).isEqualTo(3);

        broker.sent.getLast().confirm().complete(null);
        await().atMost(WAIT).until(() -> {
            broker.sent.stream().filter(sent -> !sent.confirm().isDone())
                    .forEach(sent -> sent.confirm().complete(null));
            return outbox.owedCount() == 0;
        });
        assertThat(sentIds()).containsSubsequence("a1", "a1", "a1", "a2");
        assertThat(sentIds()).containsSubsequence("b1", "a1", "a1", "b1");
    }

    @Test
    void anEventWrittenUnderALostLeaseIsStruckOffUnsentAndCounted() {
        relay.start();
        write("stale", 1, "status", Optional.of("w1"), Optional.of("w2"));
        write("fresh", 2, "status", Optional.of("w1"), Optional.of("w1"));

        broker.awaitSent(0).confirm().complete(null);

        await().atMost(WAIT).until(() -> outbox.owedCount() == 0);
        assertThat(sentIds()).containsExactly("fresh");
        assertThat(outbox.fencedOff).containsExactly("stale");
        assertThat(meters.get("worker.outbox.fenced").counter().count()).isEqualTo(1);
    }

    @Test
    void onlyTheConfirmsOfEventsASessionAwaitsAreReported() {
        relay.start();
        write("qr", 1, "qr_generated", Optional.empty(), Optional.empty());
        write("status", 2);

        await().atMost(WAIT).until(() -> broker.sent.size() == 2);
        broker.sent.forEach(sent -> sent.confirm().complete(null));

        await().atMost(WAIT).until(() -> outbox.owedCount() == 0 && !notices.isEmpty());
        assertThat(notices).containsExactly("qr");
        assertThat(meters.get("worker.outbox.latency").timer().count()).isEqualTo(2);
    }

    @Test
    void aStopSettlesTheEventsOnTheirWayAndSendsNothingNew() {
        relay.start();
        write("a1", 1);
        write("a2", 1);
        Sent first = broker.awaitSent(0);

        Thread stopping = Thread.ofPlatform().start(relay::stop);
        await().atMost(WAIT).until(() -> !relay.isRunning());
        first.confirm().complete(null);

        await().atMost(WAIT).until(() -> !stopping.isAlive());
        assertThat(sentIds()).containsExactly("a1");
        assertThat(outbox.owed(10)).extracting(OwedEvent::eventId).containsExactly("a2");
    }
}
