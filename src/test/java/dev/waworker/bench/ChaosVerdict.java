package dev.waworker.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.waworker.bench.ChaosBackend.Received;
import dev.waworker.bench.ChaosValidation.Outcome;

/**
 * What the backend's view of a chaos run says: the checks of the fleet's promise, each with how many times it was
 * broken and a few examples, and the figures of the report (failover and delivery lag).
 */
final class ChaosVerdict {

    /** One promise, how often the run broke it, and up to five examples. */
    record Check(String promise, long broken, List<String> examples) {
        boolean passed() {
            return broken == 0;
        }
    }

    /** Nearest-rank percentiles of a sample, in ms; {@code count} 0 when there was none. */
    record Spread(int count, double p50, double p90, double p99, double max) {
        static Spread of(List<Long> samples) {
            if (samples.isEmpty()) {
                return new Spread(0, 0, 0, 0, 0);
            }
            double[] sorted = samples.stream().mapToDouble(Long::doubleValue).sorted().toArray();
            return new Spread(sorted.length, BenchWorker.percentile(sorted, 50), BenchWorker.percentile(sorted, 90),
                    BenchWorker.percentile(sorted, 99), sorted[sorted.length - 1]);
        }
    }

    /** What was left on the broker after the settle time. */
    record BrokerState(long commandsLeft, List<String> queuesWithCommands, List<String> deadWorkerQueues,
                       long deadLettered, List<String> deadLetterReasons) {
    }

    final List<Check> checks = new ArrayList<>();
    final long ended;
    final long reannouncedConnected;
    final Spread deliveryLag;
    final Spread failover;
    final long notTakenOver;

    ChaosVerdict(List<ChaosValidation> validations, ChaosBackend backend, List<ChaosFaults.Kill> kills,
                 BrokerState broker) {
        Map<Long, List<Received>> view = backend.all();
        List<String> notOnce = new ArrayList<>();
        List<String> qrAfterConnected = new ArrayList<>();
        List<String> qrIndexBack = new ArrayList<>();
        long endedCount = 0;
        long reannounced = 0;
        for (ChaosValidation validation : validations) {
            List<Received> events = view.getOrDefault(validation.numberId, List.of());
            List<String> ends = events.stream().map(Received::action).filter(Outcome::isEnd).toList();
            long asScripted = ends.stream().filter(validation.outcome.endAction::equals).count();
            // A linked number is announced `connected` again by the worker that takes it over (the contract's
            // takeover): the same end, not a second one. Any other repetition or mix is.
            boolean once = validation.outcome == Outcome.CONNECTED
                    ? asScripted >= 1 && asScripted == ends.size()
                    : asScripted == 1 && ends.size() == 1;
            if (once) {
                endedCount++;
                reannounced += validation.outcome == Outcome.CONNECTED ? asScripted - 1 : 0;
            } else {
                notOnce.add(validation.numberId + " (scripted " + validation.outcome.endAction + "): received "
                        + (ends.isEmpty() ? "no end" : String.join(", ", ends)));
            }
            boolean connected = false;
            int lastQrIndex = 0;
            for (Received event : events) {
                if (event.action().equals("connected")) {
                    connected = true;
                } else if (event.action().equals("qr_generated")) {
                    if (connected) {
                        qrAfterConnected.add(validation.numberId + ": qrIndex " + event.qrIndex() + " from "
                                + event.workerId() + " after connected");
                    }
                    if (event.qrIndex() < lastQrIndex) {
                        qrIndexBack.add(validation.numberId + ": qrIndex " + event.qrIndex() + " after "
                                + lastQrIndex);
                    }
                    lastQrIndex = Math.max(lastQrIndex, event.qrIndex());
                }
            }
        }
        ended = endedCount;
        reannouncedConnected = reannounced;
        checks.add(check("every validation ended exactly once, as scripted", notOnce));
        checks.add(check("no QR after a `connected`", qrAfterConnected));
        checks.add(check("`qrIndex` never goes back for a number", qrIndexBack));
        checks.add(new Check("no command left in any queue (stranded commands)", broker.commandsLeft(),
                broker.queuesWithCommands()));
        checks.add(check("no queue left of a dead worker", broker.deadWorkerQueues()));
        checks.add(new Check("no command dead-lettered", broker.deadLettered(), broker.deadLetterReasons()));
        checks.add(new Check("every event as docs/asyncapi.yaml describes it", backend.contractViolations(),
                List.of()));
        deliveryLag = Spread.of(view.values().stream().flatMap(List::stream)
                .map(event -> event.receivedAt() - event.producedAt()).toList());
        List<Long> takeovers = new ArrayList<>();
        long untaken = 0;
        for (ChaosFaults.Kill kill : kills) {
            for (List<Received> events : view.values()) {
                Long takeover = takeoverAfter(kill, events);
                if (takeover != null && takeover >= 0) {
                    takeovers.add(takeover);
                } else if (takeover != null) {
                    untaken++;
                }
            }
        }
        failover = Spread.of(takeovers);
        notTakenOver = untaken;
    }

    boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    /**
     * For a number the killed worker held when it died (its last event before the kill came from that worker, and
     * the number was not over): the ms until another worker published for it, -1 if none ever did, though the
     * number did not end on the dead worker's own outbox; {@code null} for any other number.
     */
    private static Long takeoverAfter(ChaosFaults.Kill kill, List<Received> events) {
        Received before = null;
        for (Received event : events) {
            if (event.receivedAt() <= kill.atEpochMillis()) {
                before = event;
            }
        }
        if (before == null || !before.workerId().equals(kill.workerId())
                || before.action().equals("error") || before.action().equals("disconnected")) {
            return null;
        }
        boolean endedOnItsOutbox = false;
        for (Received event : events) {
            if (event.receivedAt() <= kill.atEpochMillis()) {
                continue;
            }
            if (!event.workerId().equals(kill.workerId())) {
                return event.receivedAt() - kill.atEpochMillis();
            }
            endedOnItsOutbox |= event.action().equals("error") || event.action().equals("disconnected");
        }
        return endedOnItsOutbox ? null : -1L;
    }

    private static Check check(String promise, List<String> breaches) {
        return new Check(promise, breaches.size(), breaches.subList(0, Math.min(5, breaches.size())));
    }

    static String describe(Spread spread) {
        return spread.count() == 0 ? "no sample" : String.format("p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms"
                + " (%d samples)", spread.p50(), spread.p90(), spread.p99(), spread.max(), spread.count());
    }
}
