package dev.waworker.session;

/**
 * Where whoever delivers the journal's events tells the session layer that the broker confirmed one. Each notice
 * becomes an input on the number's lane ({@link SessionManager} implements it), so that a session learns, in its
 * own order, that the backend has seen the QR it shows.
 */
@FunctionalInterface
public interface DeliveryNotices {

    /** The broker confirmed the event {@code eventId} of number {@code numberId}. Returns at once. */
    void delivered(long numberId, String eventId);

    /**
     * Whether a session may wait for the confirm of an event with this {@code action}: only those are reported, so
     * that the other events' confirms cost the session layer nothing.
     */
    default boolean awaits(String action) {
        return true;
    }
}
