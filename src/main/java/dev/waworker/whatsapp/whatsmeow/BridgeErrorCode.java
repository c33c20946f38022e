package dev.waworker.whatsapp.whatsmeow;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The kind of a failed bridge call, as the bridge names it: the same constants as the Go side's {@code errors.go}
 * (a unit test compares the two lists), explained in docs/NATIVE-BRIDGE.md, "Error codes". Code decides by these,
 * never by the wording of a message, which whatsmeow may change in any version.
 */
public enum BridgeErrorCode {

    /** A spec, configuration or value is not valid (JSON, phone number, log level, proxy, URL, version). */
    BAD_ARGUMENT,
    /** The call needs the device store, which is not open (or is being opened or closed). */
    STORE_NOT_OPEN,
    /** The store was opened twice. */
    STORE_ALREADY_OPEN,
    /** No client has that handle (never created, or destroyed). */
    UNKNOWN_CLIENT,
    /** The number has an open client, or another call is creating, deleting or destroying its client. */
    NUMBER_IN_USE,
    /** The client was destroyed while the call was on its way. */
    CLIENT_DESTROYED,
    /** The device database refused a read or a write. */
    STORE_FAILURE,
    /** A bug of the bridge: a recovered panic, an answer that could not be encoded. */
    INTERNAL,
    /** A failure the bridge has no name for; its message says what happened. */
    UNCLASSIFIED,
    /** There is no connection to WhatsApp (for a pairing code: no pairing connection yet). */
    NOT_CONNECTED,
    /** A connection is already open. */
    ALREADY_CONNECTED,
    /** The client has no linked device. */
    NOT_LOGGED_IN,
    /** WhatsApp did not answer in time. */
    TIMED_OUT,
    /** The phone number has 6 digits or fewer. */
    PHONE_NUMBER_TOO_SHORT,
    /** The phone number starts with 0. */
    PHONE_NUMBER_NOT_INTERNATIONAL,
    /** WhatsApp refused: too many requests. */
    RATE_LIMITED,
    /** WhatsApp answered another error status; the message has it. */
    REFUSED_BY_WHATSAPP,
    /** WhatsApp's answer lacks an element whatsmeow needs. */
    UNEXPECTED_ANSWER,
    /** The device was deleted (logged out) while in use. */
    DEVICE_DELETED,
    /** The pairing's device identity failed its HMAC check. */
    PAIR_INVALID_HMAC,
    /** The pairing's device signature is not valid. */
    PAIR_INVALID_SIGNATURE,
    /** The bridge's pre-pair check refused the pairing. */
    PAIR_REJECTED_LOCALLY,
    /** The pairing message could not be decoded. */
    PAIR_MALFORMED,
    /** Not a bridge code: the answer named none, or one this worker does not know (a newer bridge). */
    UNRECOGNIZED;

    private static final Map<String, BridgeErrorCode> BY_NAME = Arrays.stream(values())
            .filter(code -> code != UNRECOGNIZED)
            .collect(Collectors.toUnmodifiableMap(Enum::name, Function.identity()));

    /** The code the bridge sent; {@link #UNRECOGNIZED} for none or an unknown one, never an exception. */
    public static BridgeErrorCode of(String code) {
        return code == null ? UNRECOGNIZED : BY_NAME.getOrDefault(code, UNRECOGNIZED);
    }
}
