package dev.waworker.ownership;

/** A live worker that holds (or may hold) a number, and the queue that reaches it. */
public record Owner(String workerId, String queue) {
}
