package dev.waworker.bench;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * One validation of a chaos run, scripted to end one way: {@code create}, then, once a QR is shown, the phone scans
 * it with the right account ({@link Outcome#CONNECTED}), with another account ({@link Outcome#ERROR}, a
 * {@code PHONE_MISMATCH}), or the backend sends {@code close} ({@link Outcome#CLOSE}). A QR shown later by a worker
 * that took the number over (a new {@code qrIndex}) is scanned again, as a user would scan the QR on screen; a
 * command is sent once, as a backend would.
 */
final class ChaosValidation {

    /** How the validation is scripted to end, and the event that says it ended. */
    enum Outcome {
        CONNECTED("connected"), ERROR("error"), CLOSE("disconnected");

        final String endAction;

        Outcome(String endAction) {
            this.endAction = endAction;
        }

        /** Whether {@code action} ends a validation (any way). */
        static boolean isEnd(String action) {
            return List.of("connected", "error", "disconnected").contains(action);
        }
    }

    final long numberId;
    final String phoneNumber;
    final Outcome outcome;
    private final ChaosBackend backend;
    private final ChaosFleet fleet;
    private final Random random;

    ChaosValidation(long numberId, Outcome outcome, ChaosBackend backend, ChaosFleet fleet, long seed) {
        this.numberId = numberId;
        this.phoneNumber = "+2217" + String.format("%08d", numberId);
        this.outcome = outcome;
        this.backend = backend;
        this.fleet = fleet;
        this.random = new Random(seed);
    }

    /** Plays the script until the validation ended or {@code stop} says the run is over. */
    void run(BooleanSupplier stop) throws InterruptedException {
        backend.send("create", numberId, phoneNumber);
        int actedOn = 0; // the qrIndex the phone (or the backend's close) answered last
        while (!stop.getAsBoolean() && !ended()) {
            ChaosBackend.Received qr = latestQr();
            if (qr == null || qr.qrIndex() <= actedOn) {
                Thread.sleep(200); // polls the backend's view, which the events queue's consumer fills
                continue;
            }
            Thread.sleep(Duration.ofMillis(300 + random.nextInt(2_700))); // the user looks at the screen
            if (outcome == Outcome.CLOSE) {
                backend.send("close", numberId, phoneNumber);
                actedOn = Integer.MAX_VALUE; // sent once: from here on the worker fleet must answer it
                continue;
            }
            String account = outcome == Outcome.CONNECTED ? phoneNumber : "+2219" + String.format("%08d", numberId);
            int status = fleet.scan(qr.workerId(), numberId, account);
            if (status == 200 || status == 409) {
                actedOn = qr.qrIndex(); // linked, or refused as another account: the outcome is the worker's now
            }
            // Otherwise the worker showing it died or no longer shows it: the next QR (a takeover) is scanned.
        }
    }

    private boolean ended() {
        return backend.eventsOf(numberId).stream().anyMatch(event -> Outcome.isEnd(event.action()));
    }

    private ChaosBackend.Received latestQr() {
        List<ChaosBackend.Received> events = backend.eventsOf(numberId);
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).action().equals("qr_generated")) {
                return events.get(i);
            }
        }
        return null;
    }
}
