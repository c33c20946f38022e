package dev.waworker.store;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a write again, after a pause that doubles up to {@link #MAX_PAUSE}, for as long as it fails because the
 * store is unavailable (see {@link StoreFailures}): a lane step's record and events are waited out rather than lost
 * when the database is away or its disk full. Any other failure is thrown at once. The waiting thread ends the
 * wait when it is interrupted (a stop), throwing the last failure.
 */
final class OutageRetry {

    private static final Logger log = LoggerFactory.getLogger(OutageRetry.class);
    static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    static final Duration MAX_PAUSE = Duration.ofSeconds(1);

    private OutageRetry() {
    }

    /** Runs {@code write} until it succeeds or fails for another reason than an unavailable store. */
    static void untilWritten(String what, Runnable write) {
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                write.run();
                if (attempt > 1) {
                    log.info("Wrote {} at attempt {}: the store is back", what, attempt);
                }
                return;
            } catch (RuntimeException failure) {
                if (!StoreFailures.isStoreUnavailable(failure)) {
                    throw failure;
                }
                if (attempt == 1) {
                    log.warn("Could not write {}: the store is unavailable ({}); trying again until it is back",
                            what, failure.getClass().getSimpleName());
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure;
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }
}
