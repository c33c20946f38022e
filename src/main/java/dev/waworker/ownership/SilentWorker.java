package dev.waworker.ownership;

import java.time.Instant;

/**
 * A registered worker that has not renewed its heartbeat for a lease time and holds no live lease: it is dead (or
 * cut off from the database), and what it left behind (its own queue, its registry row) is cleaned up by a survivor.
 *
 * @param queue       its own command queue, as it registered it
 * @param heartbeatAt its last sign of life
 */
public record SilentWorker(String workerId, String queue, Instant heartbeatAt) {
}
