package main

import (
	"context"
	"errors"
	"fmt"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
)

// errorCode is the stable name of a kind of failure. Every failed call answers with one
// ({"ok":false,"code":"NOT_CONNECTED","error":"<human message>"}), and pair_error events carry one, so that the
// JVM decides by the code and never by the wording of a message, which whatsmeow may change in any version.
//
// The Java enum dev.waworker.whatsapp.whatsmeow.BridgeErrorCode has exactly these constants (a unit test compares
// the two lists); docs/NATIVE-BRIDGE.md says what each means. A code keeps its meaning once published: add new
// ones, never rename or reuse one.
type errorCode string

// The call itself was wrong, or came at the wrong time.
const (
	// codeBadArgument: a spec, a configuration or a value that is not valid (malformed JSON, a bad phone number...).
	codeBadArgument errorCode = "BAD_ARGUMENT"
	// codeStoreNotOpen: the call needs the device store and it is not open (or is being opened or closed).
	codeStoreNotOpen errorCode = "STORE_NOT_OPEN"
	// codeStoreAlreadyOpen: wb_open_store while the store is open or being opened.
	codeStoreAlreadyOpen errorCode = "STORE_ALREADY_OPEN"
	// codeUnknownClient: no client has that handle (never created, or destroyed).
	codeUnknownClient errorCode = "UNKNOWN_CLIENT"
	// codeNumberInUse: the number has an open client, or another call is creating, deleting or destroying its client.
	codeNumberInUse errorCode = "NUMBER_IN_USE"
	// codeClientDestroyed: the client was destroyed while the call was on its way.
	codeClientDestroyed errorCode = "CLIENT_DESTROYED"
)

// Our own failures.
const (
	// codeStoreFailure: the device database refused a read or a write (ours or whatsmeow's).
	codeStoreFailure errorCode = "STORE_FAILURE"
	// codeInternal: a bug of the bridge: a recovered panic, an answer that could not be encoded.
	codeInternal errorCode = "INTERNAL"
	// codeUnclassified: a failure none of the rules below names; its message says what happened.
	codeUnclassified errorCode = "UNCLASSIFIED"
)

// whatsmeow's failures, named after its sentinel errors.
const (
	codeNotConnected                errorCode = "NOT_CONNECTED"                  // ErrNotConnected, DisconnectedError
	codeAlreadyConnected            errorCode = "ALREADY_CONNECTED"              // ErrAlreadyConnected
	codeNotLoggedIn                 errorCode = "NOT_LOGGED_IN"                  // ErrNotLoggedIn
	codeTimedOut                    errorCode = "TIMED_OUT"                      // ErrIQTimedOut, a deadline of ours
	codePhoneNumberTooShort         errorCode = "PHONE_NUMBER_TOO_SHORT"         // ErrPhoneNumberTooShort
	codePhoneNumberNotInternational errorCode = "PHONE_NUMBER_NOT_INTERNATIONAL" // ErrPhoneNumberIsNotInternational
	codeRateLimited                 errorCode = "RATE_LIMITED"                   // ErrIQRateOverLimit (429)
	codeRefusedByWhatsApp           errorCode = "REFUSED_BY_WHATSAPP"            // any other IQError
	codeUnexpectedAnswer            errorCode = "UNEXPECTED_ANSWER"              // ElementMissingError
	codeDeviceDeleted               errorCode = "DEVICE_DELETED"                 // store.ErrDeviceDeleted
	codePairInvalidHMAC             errorCode = "PAIR_INVALID_HMAC"              // ErrPairInvalidDeviceIdentityHMAC
	codePairInvalidSignature        errorCode = "PAIR_INVALID_SIGNATURE"         // ErrPairInvalidDeviceSignature
	codePairRejectedLocally         errorCode = "PAIR_REJECTED_LOCALLY"          // ErrPairRejectedLocally
	codePairMalformed               errorCode = "PAIR_MALFORMED"                 // PairProtoError
)

// sentinelCodes maps whatsmeow's sentinel errors to our codes, tried in order with errors.Is. IQ errors compare
// by status (IQError.Is), so the rate limit comes before the catch-all IQError rule in classify.
var sentinelCodes = []struct {
	sentinel error
	code     errorCode
}{
	{whatsmeow.ErrNotConnected, codeNotConnected},
	{whatsmeow.ErrAlreadyConnected, codeAlreadyConnected},
	{whatsmeow.ErrNotLoggedIn, codeNotLoggedIn},
	{whatsmeow.ErrIQTimedOut, codeTimedOut},
	{context.DeadlineExceeded, codeTimedOut},
	{whatsmeow.ErrPhoneNumberTooShort, codePhoneNumberTooShort},
	{whatsmeow.ErrPhoneNumberIsNotInternational, codePhoneNumberNotInternational},
	{whatsmeow.ErrIQRateOverLimit, codeRateLimited},
	{store.ErrDeviceDeleted, codeDeviceDeleted},
	{whatsmeow.ErrPairInvalidDeviceIdentityHMAC, codePairInvalidHMAC},
	{whatsmeow.ErrPairInvalidDeviceSignature, codePairInvalidSignature},
	{whatsmeow.ErrPairRejectedLocally, codePairRejectedLocally},
}

// bridgeError is a failure the bridge itself names: its code wins over anything it wraps.
type bridgeError struct {
	code errorCode
	err  error
}

func (e *bridgeError) Error() string { return e.err.Error() }
func (e *bridgeError) Unwrap() error { return e.err }

// failure makes a coded error with a formatted message (%w wraps as fmt.Errorf does).
func failure(code errorCode, format string, args ...any) error {
	return &bridgeError{code: code, err: fmt.Errorf(format, args...)}
}

// classify names the kind of err: the bridge's own code when it has one, else whatsmeow's sentinel or error type.
func classify(err error) errorCode {
	var coded *bridgeError
	if errors.As(err, &coded) {
		return coded.code
	}
	for _, rule := range sentinelCodes {
		if errors.Is(err, rule.sentinel) {
			return rule.code
		}
	}
	var disconnected *whatsmeow.DisconnectedError
	var iqError *whatsmeow.IQError
	var missing *whatsmeow.ElementMissingError
	var badProto *whatsmeow.PairProtoError
	var badDatabase *whatsmeow.PairDatabaseError
	switch {
	case errors.As(err, &disconnected):
		return codeNotConnected
	case errors.As(err, &iqError):
		return codeRefusedByWhatsApp
	case errors.As(err, &missing):
		return codeUnexpectedAnswer
	case errors.As(err, &badProto):
		return codePairMalformed
	case errors.As(err, &badDatabase):
		return codeStoreFailure
	default:
		return codeUnclassified
	}
}

// withCode gives err a code of the bridge's (nil stays nil).
func withCode(code errorCode, err error) error {
	if err == nil {
		return nil
	}
	return &bridgeError{code: code, err: err}
}
