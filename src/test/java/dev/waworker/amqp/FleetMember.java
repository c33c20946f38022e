package dev.waworker.amqp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.waworker.testing.WorkerProcess;

/**
 * One worker of a {@link WorkerFleet}: the packaged jar as a process ({@link WorkerProcess}) with the settings of
 * a {@link TestWorker} plus the fleet's, which can be killed and started again on the same data.
 */
final class FleetMember implements AutoCloseable {

    private static final Pattern COUNT = Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.E]+)");
    /** Quick start-up for three JVMs on two cores. */
    private static final List<String> JVM = WorkerProcess.SMALL_JVM;

    private final TestWorker identity;
    private final List<String> arguments = new ArrayList<>();
    private boolean killed;
    private WorkerProcess process;

    FleetMember(TestWorker identity, Map<String, Object> extraSettings) {
        this.identity = identity;
        identity.properties().forEach((key, value) -> {
            // WorkerProcess sets the data directory; the fleet's settings replace the worker's own (a broker port
            // through a proxy, say): a key given twice would reach Spring as "first,second".
            if (!key.equals("worker.data-dir") && !extraSettings.containsKey(key)) {
                arguments.add("--" + key + "=" + value);
            }
        });
        extraSettings.forEach((key, value) -> arguments.add("--" + key + "=" + value));
    }

    String id() {
        return identity.id();
    }

    /** Starts the process (again, after {@link #kill}). */
    FleetMember start() {
        try {
            process = new WorkerProcess(WorkerProcess.JAR, identity.dataDir(), JVM, arguments);
            killed = false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + WorkerProcess.JAR, e);
        }
        return this;
    }

    void awaitHealthy() {
        process.awaitHealthy();
    }

    /** The simulated phone scans the number's live QR on this worker; returns the HTTP status. */
    int scan(long numberId, String phoneNumber) throws IOException, InterruptedException {
        return process.post("/simulator/sessions/" + numberId + "/scan", "{\"phoneNumber\":\"" + phoneNumber + "\"}");
    }

    /** The value of a counter on {@code /actuator/metrics} with the given tag ({@code key:value}); 0 when absent. */
    double counter(String name, String tag) throws IOException, InterruptedException {
        Matcher value = COUNT.matcher(process.get("/actuator/metrics/" + name + "?tag=" + tag));
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    /** The value of a counter on {@code /actuator/metrics}, all its tags together; 0 when absent. */
    double counter(String name) throws IOException, InterruptedException {
        Matcher value = COUNT.matcher(process.get("/actuator/metrics/" + name));
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    void kill() throws InterruptedException {
        process.kill();
        killed = true;
    }

    /** Started and not killed since: a worker the fleet's commands may name. */
    boolean alive() {
        return process != null && !killed;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
