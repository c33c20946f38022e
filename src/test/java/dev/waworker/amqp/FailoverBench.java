package dev.waworker.amqp;

import static dev.waworker.amqp.WorkerFleet.workerIdOf;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import dev.waworker.bench.BenchWorker;

/**
 * Failover harness (run by scripts/bench-failover.sh, not by the test suite): three workers on RabbitMQ and
 * PostgreSQL; a number is linked on one of them, its owner killed with SIGKILL, and the time until another worker
 * publishes {@code connected} for it measured; the killed worker is started again in the background. Repeated
 * {@code kills} times, then p50 and p99 printed.
 *
 * <p>Arguments: {@code [kills=20] [lease-time-seconds=15]}. RabbitMQ and PostgreSQL as for the tests.
 */
public final class FailoverBench {

    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Duration lease = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 15);
        double[] millis = new double[kills];
        try (WorkerFleet fleet = new WorkerFleet("failover-bench", 3, lease)) {
            CompletableFuture<Void> restarting = CompletableFuture.completedFuture(null);
            for (int i = 0; i < kills; i++) {
                long number = 9000 + i;
                String phone = "+22177900" + String.format("%04d", i);
                FleetMember owner = fleet.createAndFindOwner(number, phone);
                owner.scan(number, phone);
                fleet.backend.awaitEvent(number, "connected");
                restarting.join(); // the owner may be the worker restarted last round: it must be up to be killed
                owner.kill();
                long killed = System.nanoTime();
                await().atMost(lease.plusSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> fleet.count(number, "connected") == 2);
                millis[i] = (System.nanoTime() - killed) / 1e6;
                System.out.printf("kill %2d: %s's number %d taken over by %s after %.0f ms%n", i + 1, owner.id(),
                        number, workerIdOf(fleet.backend.eventsFor(number).getLast()), millis[i]);
                restarting = CompletableFuture.runAsync(() -> owner.start().awaitHealthy());
            }
            restarting.join();
        }
        Arrays.sort(millis);
        System.out.printf("failover after SIGKILL, lease time %ds, %d kills: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                lease.toSeconds(), kills, BenchWorker.percentile(millis, 50), BenchWorker.percentile(millis, 99),
                millis[kills - 1]);
        // Spring AMQP's deferred-close pool keeps a non-daemon thread for a while: the harness is done.
        System.exit(0);
    }
}
