package dev.waworker.amqp;

import java.time.Duration;

/** Lets the session layer finish what it was given and release its clients, when the worker stops. */
@FunctionalInterface
public interface SessionDrain {

    /** @return whether the session layer finished within {@code timeout} */
    boolean drain(Duration timeout) throws InterruptedException;
}
