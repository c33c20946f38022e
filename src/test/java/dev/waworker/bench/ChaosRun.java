package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.awaitility.core.ConditionTimeoutException;

import dev.waworker.testing.OwnRabbitNode;
import dev.waworker.testing.TestPostgres;

/**
 * The chaos run (scripts/chaos.sh, not part of the test suite): three workers (simulated WhatsApp) on a RabbitMQ
 * node of the run's own and a fresh PostgreSQL database; validations scripted to end in {@code connected},
 * {@code error} or {@code close} are started evenly over the first three quarters of the run while
 * {@link ChaosFaults} kills and replaces workers and stops the broker and PostgreSQL. After the faults, a settle
 * time for the fleet to answer everything; then the backend's view is checked ({@link ChaosVerdict}), the report
 * written to docs/reliability.md ({@link ChaosReport}) and the exit status is 1 when any promise was broken.
 *
 * <p>Arguments: {@code <worker jar> <run directory> [--key=value ...]}, keys: {@code duration} (s, 600),
 * {@code validations} (500), {@code seed}, {@code lease} (s, 6), {@code settle} (s, 120), {@code kill-gap}
 * ({@code min-max} s, 30-60), {@code outage} ({@code min-max} s, 5-20), {@code pg-cluster} ({@code 15/main}),
 * {@code report} (docs/reliability.md), {@code commit} and {@code command} (for the report's heading).
 */
public final class ChaosRun {

    private static final int WORKERS = 3;

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path runDir = Files.createDirectories(Path.of(args[1]));
        Map<String, String> options = options(args);
        Duration duration = Duration.ofSeconds(Long.parseLong(options.getOrDefault("duration", "600")));
        int validationCount = Integer.parseInt(options.getOrDefault("validations", "500"));
        long seed = Long.parseLong(options.getOrDefault("seed", Long.toString(System.nanoTime() % 1_000_000)));
        Duration lease = Duration.ofSeconds(Long.parseLong(options.getOrDefault("lease", "6")));
        Duration settle = Duration.ofSeconds(Long.parseLong(options.getOrDefault("settle", "120")));
        int[] killGap = range(options.getOrDefault("kill-gap", "30-60"));
        int[] outage = range(options.getOrDefault("outage", "5-20"));
        List<String> cluster = List.of(options.getOrDefault("pg-cluster", "15/main").split("/"));
        System.out.printf("chaos run: %d validations, %d s of faults, seed %d, lease %d s; logs in %s%n",
                validationCount, duration.toSeconds(), seed, lease.toSeconds(), runDir);

        ChaosQueues queues = ChaosQueues.of("chaos-" + UUID.randomUUID().toString().substring(0, 6));
        OwnRabbitNode broker = new OwnRabbitNode();
        // scripts/chaos.sh stops the node with this name should the harness die before it does.
        Files.writeString(runDir.resolve("rabbit-node"), broker.name);
        broker.start();
        TestPostgres.Database database = TestPostgres.freshDatabase("chaos");
        ChaosBackend backend = new ChaosBackend(broker.port, queues);
        ChaosFleet fleet = new ChaosFleet(jar, runDir, queues, broker.port, database, lease);
        AtomicBoolean cleanedUp = new AtomicBoolean();
        Runnable cleanUp = () -> {
            if (cleanedUp.compareAndSet(false, true)) {
                try {
                    fleet.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                broker.close();
                try {
                    database.drop();
                } catch (RuntimeException notDropped) {
                    System.out.println("the run's database was not dropped: " + notDropped.getMessage());
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(cleanUp)); // Ctrl-C: no worker or node left behind
        int exitStatus;
        try {
            fleet.startNew(WORKERS);
            System.out.println("workers up: " + fleet.liveIds());

            long startedAt = System.currentTimeMillis();
            ChaosFaults faults = new ChaosFaults(new ChaosFaults.Plan(duration, killGap[0], killGap[1], outage[0],
                    outage[1]), seed, startedAt, fleet, broker, cluster);
            Thread faulting = Thread.ofPlatform().name("chaos-faults").start(() -> {
                try {
                    faults.inject();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AtomicBoolean over = new AtomicBoolean();
            List<ChaosValidation> validations = new ArrayList<>();
            List<Thread> running = new ArrayList<>();
            long spread = duration.toMillis() * 3 / 4;
            for (int i = 0; i < validationCount; i++) {
                long wait = startedAt + spread * i / validationCount - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                ChaosValidation validation = new ChaosValidation(1_000_000L + i,
                        ChaosValidation.Outcome.values()[i % 3], backend, fleet, seed + i);
                validations.add(validation);
                running.add(Thread.ofVirtual().start(() -> {
                    try {
                        validation.run(over::get);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                if (i % 50 == 49) {
                    System.out.printf("%5.0f s: %d validations started%n",
                            (System.currentTimeMillis() - startedAt) / 1000.0, i + 1);
                }
            }
            faulting.join();
            System.out.printf("faults over after %.0f s: %s; settling (up to %d s)%n",
                    (System.currentTimeMillis() - startedAt) / 1000.0, fleet.liveIds(), settle.toSeconds());
            try {
                // Settled: every validation ended, no command waits, no dead worker's queue is left, and every
                // linked number of a killed worker was announced again by another worker (the last kill's too).
                await().atMost(settle).pollInterval(Duration.ofSeconds(2)).until(() ->
                        running.stream().noneMatch(Thread::isAlive) && settled(brokerState(backend, fleet, queues))
                                && new ChaosVerdict(validations, backend, faults.kills(),
                                        brokerState(backend, fleet, queues)).notTakenOver == 0);
            } catch (ConditionTimeoutException notSettled) {
                System.out.println("not settled after " + settle.toSeconds() + " s: checking as it is");
            }
            over.set(true);
            for (Thread thread : running) {
                thread.join();
            }
            long tookMillis = System.currentTimeMillis() - startedAt;
            backend.dump(runDir.resolve("events.tsv"), startedAt);
            Files.write(runDir.resolve("faults.tsv"), faults.timeline().stream()
                    .map(fault -> fault.atMillis() / 1000.0 + "\t" + fault.what()).toList());

            ChaosVerdict verdict = new ChaosVerdict(validations, backend, faults.kills(),
                    brokerState(backend, fleet, queues));
            String report = ChaosReport.render(new ChaosReport.Run(options.getOrDefault("command", "scripts/chaos.sh"),
                            options.getOrDefault("commit", "?"), seed, validationCount, WORKERS, lease.toSeconds(),
                            tookMillis, fleet.everStarted()), verdict, faults.timeline(), backend.distinctEvents(),
                    backend.repeats());
            System.out.println(report);
            Path document = Path.of(options.getOrDefault("report", "docs/reliability.md"));
            ChaosReport.write(document, report);
            System.out.println("report written to " + document);
            List<String> runQueues = new ArrayList<>(List.of(queues.commands(), queues.events(),
                    queues.deadLetters()));
            fleet.everStarted().forEach(id -> runQueues.add(queues.ofWorker(id)));
            fleet.close();
            backend.deleteQueues(runQueues);
            exitStatus = verdict.passed() ? 0 : 1;
        } finally {
            backend.close();
            cleanUp.run();
        }
        // Spring AMQP and Awaitility may keep non-daemon threads for a while: the run is over.
        System.exit(exitStatus);
    }

    private static boolean settled(ChaosVerdict.BrokerState state) {
        return state.commandsLeft() == 0 && state.deadWorkerQueues().isEmpty();
    }

    /** The run's queues as the broker holds them now. */
    private static ChaosVerdict.BrokerState brokerState(ChaosBackend backend, ChaosFleet fleet, ChaosQueues queues)
            throws Exception {
        long left = 0;
        List<String> withCommands = new ArrayList<>();
        List<String> deadWorkerQueues = new ArrayList<>();
        List<String> live = fleet.liveIds();
        List<String> candidates = new ArrayList<>(List.of(queues.commands()));
        fleet.everStarted().forEach(id -> candidates.add(queues.ofWorker(id)));
        for (String queue : candidates) {
            long messages = backend.messagesIn(queue);
            if (messages > 0) {
                left += messages;
                withCommands.add(queue + ": " + messages);
            }
            boolean deadWorkers = !queue.equals(queues.commands())
                    && live.stream().map(queues::ofWorker).noneMatch(queue::equals);
            if (deadWorkers && messages >= 0) {
                deadWorkerQueues.add(queue);
            }
        }
        return new ChaosVerdict.BrokerState(left, withCommands, deadWorkerQueues,
                Math.max(0, backend.messagesIn(queues.deadLetters())), backend.deadLetterReasons(5));
    }

    private static final List<String> KEYS = List.of("duration", "validations", "seed", "lease", "settle",
            "kill-gap", "outage", "pg-cluster", "report", "commit", "command");

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            if (!args[i].startsWith("--") || !args[i].contains("=")
                    || !KEYS.contains(args[i].substring(2, args[i].indexOf('=')))) {
                throw new IllegalArgumentException("options are --key=value with a key of " + KEYS + ", was "
                        + args[i]);
            }
            options.put(args[i].substring(2, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
        }
        return options;
    }

    private static int[] range(String minToMax) {
        String[] bounds = minToMax.split("-");
        int[] range = {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[bounds.length - 1])};
        if (range[0] < 1 || range[1] < range[0]) {
            throw new IllegalArgumentException("a range is min-max seconds, min at least 1, was " + minToMax);
        }
        return range;
    }
}
