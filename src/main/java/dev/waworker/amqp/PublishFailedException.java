package dev.waworker.amqp;

/** The broker did not take a message: it refused it, returned it unroutable, or did not confirm it in time. */
public class PublishFailedException extends RuntimeException {

    public PublishFailedException(String message) {
        super(message);
    }

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
