package dev.waworker.whatsapp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link WhatsAppClient} reports. Sealed, so that a switch over it that forgets a case does not compile.
 */
public sealed interface ClientEvent {

    /**
     * The pairing strings of the current connection, in the order they must be shown. WhatsApp hands out a batch
     * of refs per connection; showing them in turn, each for its lifetime, is the session layer's job.
     *
     * @param firstTtl how long the first code of the batch may be shown
     * @param nextTtl  how long each following code may be shown
     */
    record QrCodes(List<String> codes, Duration firstTtl, Duration nextTtl) implements ClientEvent {
        public QrCodes {
            codes = List.copyOf(codes);
            Objects.requireNonNull(firstTtl, "firstTtl");
            Objects.requireNonNull(nextTtl, "nextTtl");
        }

        public Duration ttlOf(int index) {
            return index == 0 ? firstTtl : nextTtl;
        }

        /** Never include the codes: they are credentials. */
        @Override
        public String toString() {
            return "QrCodes[" + codes.size() + " codes, firstTtl=" + firstTtl + ", nextTtl=" + nextTtl + "]";
        }
    }

    /** A phone scanned a code and the device is now linked to the account {@code phoneNumber}. */
    record PairSuccess(String jid, String phoneNumber, String platform) implements ClientEvent {
    }

    /** The adapter refused to link an account that is not the requested number: nothing was linked. */
    record PhoneMismatch(String scannedPhoneNumber) implements ClientEvent {
    }

    /** A scan happened but linking failed on WhatsApp's side. */
    record PairFailed(String reason) implements ClientEvent {
    }

    /** The connection is up and authenticated as a linked device. */
    record Connected(String jid, String phoneNumber) implements ClientEvent {
    }

    /** The account removed this device (from the phone, or by a ban): its credentials are gone. */
    record LoggedOut(String reason) implements ClientEvent {
    }

    /** Another client connected with the same credentials; this one was closed and will not reconnect. */
    record StreamReplaced() implements ClientEvent {
    }

    /** The live connection dropped; the client reconnects by itself with its credentials. */
    record Disconnected(String reason) implements ClientEvent {
    }

    /** A connection attempt failed (network unreachable, refused, TLS, timeout). */
    record ConnectFailed(String reason) implements ClientEvent {
    }

    /**
     * WhatsApp refused this client version and no newer one could be found (the whatsmeow adapter retries with
     * WhatsApp Web's current version by itself first): an upgrade of the worker is needed.
     */
    record ClientOutdated(String reason) implements ClientEvent {
    }

    /**
     * WhatsApp asks for a passkey (a WebAuthn challenge answered by the user's authenticator) before it links a
     * device to this account. A headless worker cannot answer it: the pairing cannot go on.
     */
    record PasskeyRequired(String reason) implements ClientEvent {
    }

    /** The code was scanned by a phone whose WhatsApp does not have multi-device enabled. */
    record ScannedWithoutMultidevice() implements ClientEvent {
    }

    /** Keep-alive pings went unanswered {@code errorCount} times in a row; the connection may be dying. */
    record KeepAliveTimeout(int errorCount) implements ClientEvent {
    }

    /** Keep-alive pings are answered again after a {@link KeepAliveTimeout}. */
    record KeepAliveRestored() implements ClientEvent {
    }

    /** WhatsApp temporarily banned the account from connecting. */
    record TemporaryBan(String code, Duration expiresIn) implements ClientEvent {
    }
}
