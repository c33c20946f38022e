package dev.waworker.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.waworker.testing.OwnRabbitNode;

/**
 * The faults of a chaos run, on two threads of their own: every 30 to 60 s a worker is SIGKILLed and replaced under
 * a new id; the broker is stopped twice and PostgreSQL once, each for a drawn 5 to 20 s (at about a quarter, half
 * and three quarters of the run, one after the other). Each fault is recorded for the report's timeline.
 */
final class ChaosFaults {

    /** A fault as the timeline shows it: when it began (ms after the run's start), what, and for how long. */
    record Fault(long atMillis, String what, long lastedMillis) {
    }

    /** A kill, for the failover figures: the worker, and when it died (epoch ms). */
    record Kill(String workerId, long atEpochMillis) {
    }

    /** How the run's faults are drawn. */
    record Plan(Duration duration, int minKillGap, int maxKillGap, int minOutage, int maxOutage) {
    }

    private final Plan plan;
    private final Random random;
    private final long startedAt;
    private final ChaosFleet fleet;
    private final OwnRabbitNode broker;
    private final List<String> postgresCluster;
    private final List<Fault> timeline = new CopyOnWriteArrayList<>();
    private final List<Kill> kills = new CopyOnWriteArrayList<>();

    /** @param postgresCluster the version and name of the local cluster, as pg_ctlcluster takes them */
    ChaosFaults(Plan plan, long seed, long startedAt, ChaosFleet fleet, OwnRabbitNode broker,
                List<String> postgresCluster) {
        this.plan = plan;
        this.random = new Random(seed);
        this.startedAt = startedAt;
        this.fleet = fleet;
        this.broker = broker;
        this.postgresCluster = postgresCluster;
    }

    /** Runs the kills and the outages until the run's duration is over; returns when both are done. */
    void inject() throws InterruptedException {
        long duration = plan.duration().toMillis();
        // Drawn here, on this thread, so that one seed gives one schedule.
        List<Long> outageStarts = List.of(draw(duration / 5, duration / 3), draw(duration * 2 / 5, duration / 2),
                draw(duration * 3 / 5, duration * 3 / 4));
        List<Integer> outageLengths = List.of(drawOutage(), drawOutage(), drawOutage());
        Random killRandom = new Random(random.nextLong());
        Thread killer = Thread.ofPlatform().name("chaos-kills").start(() -> killAndReplace(killRandom));
        try {
            for (int i = 0; i < 3; i++) {
                sleepUntil(outageStarts.get(i));
                if (i == 1) {
                    postgresOutage(outageLengths.get(i));
                } else {
                    brokerOutage(outageLengths.get(i));
                }
            }
        } finally {
            killer.join();
        }
    }

    List<Fault> timeline() {
        return timeline.stream().sorted(java.util.Comparator.comparingLong(Fault::atMillis)).toList();
    }

    List<Kill> kills() {
        return List.copyOf(kills);
    }

    private void killAndReplace(Random killRandom) {
        try {
            long lastKill = 0;
            while (true) {
                // Counted from the previous kill, its replacement's start-up included.
                long next = lastKill
                        + 1_000L * (plan.minKillGap() + killRandom.nextInt(plan.maxKillGap() - plan.minKillGap() + 1));
                if (next >= plan.duration().toMillis()) {
                    return;
                }
                sleepUntil(next);
                long at = elapsed();
                lastKill = at;
                String victim = fleet.killAny(killRandom);
                kills.add(new Kill(victim, System.currentTimeMillis()));
                String replacement = fleet.startNew();
                timeline.add(new Fault(at, "SIGKILL " + victim + ", replaced by " + replacement
                        + " (healthy " + seconds(elapsed() - at) + " later)", 0));
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException failed) {
            timeline.add(new Fault(elapsed(), "the kills stopped: " + failed.getMessage(), 0));
        }
    }

    private void brokerOutage(int seconds) throws InterruptedException {
        long at = elapsed();
        broker.stopApp();
        Thread.sleep(Duration.ofSeconds(seconds)); // the outage itself, not a synchronisation
        broker.startApp();
        timeline.add(new Fault(at, "RabbitMQ stopped (rabbitmqctl stop_app), then started", elapsed() - at));
    }

    private void postgresOutage(int seconds) throws InterruptedException {
        long at = elapsed();
        try {
            pgCtlCluster("stop", "-m", "fast");
            Thread.sleep(Duration.ofSeconds(seconds)); // the outage itself, not a synchronisation
        } finally {
            pgCtlCluster("start");
        }
        timeline.add(new Fault(at, "PostgreSQL stopped (pg_ctlcluster " + String.join(" ", postgresCluster)
                + " stop -m fast), then started", elapsed() - at));
    }

    private void pgCtlCluster(String... action) throws InterruptedException {
        List<String> command = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("sudo", "-n"));
        }
        command.add("pg_ctlcluster");
        command.addAll(postgresCluster);
        command.addAll(List.of(action));
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run", e);
        }
    }

    private long draw(long from, long to) {
        return from + (long) (random.nextDouble() * (to - from));
    }

    private int drawOutage() {
        return plan.minOutage() + random.nextInt(plan.maxOutage() - plan.minOutage() + 1);
    }

    private void sleepUntil(long millisAfterStart) throws InterruptedException {
        long wait = millisAfterStart - elapsed();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private long elapsed() {
        return System.currentTimeMillis() - startedAt;
    }

    static String seconds(long millis) {
        return String.format("%.1f s", millis / 1000.0);
    }
}
