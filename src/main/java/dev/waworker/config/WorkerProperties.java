package dev.waworker.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code worker.*}: who this worker is, where it keeps its files, and the names of its queues.
 *
 * @param id      this worker's id, used for its own command queue and stamped on every event; the host name
 *                when not set (a container's host name is unique per replica)
 * @param dataDir where the device store and other state live; must survive restarts
 * @param laneThreads how many numbers' steps may run at the same time (the lanes' thread pool, fixed size): a
 *                step blocked in WhatsApp (a pairing code, a logout) holds one thread for up to 30 s
 */
@ConfigurationProperties("worker")
public record WorkerProperties(String id, @DefaultValue("./data") Path dataDir, @DefaultValue Amqp amqp,
        @DefaultValue("16") int laneThreads) {

    public WorkerProperties {
        if (id == null || id.isBlank()) {
            id = hostName();
        }
        if (laneThreads < 1) {
            throw new IllegalArgumentException("worker.lane-threads must be 1 or more, was " + laneThreads);
        }
    }

    /**
     * @param commandQueue      the shared command queue every worker consumes
     * @param eventsQueue       where events for the backend go
     * @param deadLetterQueue   where bad commands are copied, with the reason in {@code x-error}
     * @param workerQueuePrefix prefix of each worker's own queue: {@code <prefix><workerId>}
     * @param prefetch          unacknowledged commands a consumer may hold
     * @param confirmTimeout    how long to wait for the broker to confirm one publish before trying again
     * @param publishAttempts   how many times an event is sent before it is counted as failed
     * @param maxCommandSize    larger command bodies are refused unread (dead-lettered truncated): commands are a
     *                          few hundred bytes, and a parser must not be handed megabytes
     */
    public record Amqp(
            @DefaultValue("whatsapp.session.update") String commandQueue,
            @DefaultValue("whatsapp.worker.events") String eventsQueue,
            @DefaultValue("whatsapp.session.update.dlq") String deadLetterQueue,
            @DefaultValue("whatsapp.session.update.") String workerQueuePrefix,
            @DefaultValue("50") int prefetch,
            @DefaultValue("10s") Duration confirmTimeout,
            @DefaultValue("3") int publishAttempts,
            @DefaultValue("64KB") DataSize maxCommandSize) {

        public Amqp {
            if (maxCommandSize.toBytes() < 1 || maxCommandSize.toBytes() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("worker.amqp.max-command-size must be between 1B and 2GB, was "
                        + maxCommandSize);
            }
        }

        public String workerQueue(String workerId) {
            return workerQueuePrefix + workerId;
        }
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker-" + ProcessHandle.current().pid();
        }
    }
}
