package main

import (
	"fmt"

	"go.mau.fi/whatsmeow/types/events"
)

// onEvent is the client's whatsmeow event handler: it turns the events the worker acts on into bridge events.
// Anything else (whatsmeow keeps adding event types) is passed on as "unhandled" with its Go type only.
func (c *bridgeClient) onEvent(evt any) {
	switch e := evt.(type) {
	case *events.QR:
		c.retriedOutdated.Store(false)
		c.emit("qr", result{"codes": e.Codes})
	case *events.PairSuccess:
		c.onPairSuccess(e)
	case *events.PairError:
		c.onPairError(e)
	case *events.Connected:
		c.retriedOutdated.Store(false)
		jid := c.wa.Store.GetJID()
		c.emit("connected", result{"jid": jid.String(), "phoneNumber": "+" + jid.User})
	case *events.LoggedOut:
		c.forgetMapping()
		c.emit("logged_out", result{"reason": e.Reason.String()})
	case *events.StreamReplaced:
		c.emit("stream_replaced", nil)
	case *events.Disconnected:
		c.emit("disconnected", result{"reason": "the connection to WhatsApp was closed"})
	case *events.ConnectFailure:
		c.emit("connect_failed", result{"reason": fmt.Sprintf("WhatsApp refused the connection: %s %s",
			e.Reason.String(), e.Message)})
	case *events.ClientOutdated:
		// Learning the new version takes an HTTP request: not on whatsmeow's event goroutine.
		go c.recovering("handling a 405", c.onClientOutdated)
	case *events.PairPasskeyRequest:
		// A headless worker has no authenticator to answer WebAuthn with: the pairing cannot go on.
		c.emit("passkey_required", result{"reason": "WhatsApp asks for a passkey to link a device to this account"})
	case *events.PairPasskeyError:
		c.emit("passkey_required", result{"reason": "WhatsApp's passkey request could not be handled: " +
			e.Error.Error()})
	case *events.QRScannedWithoutMultidevice:
		c.emit("scanned_without_multidevice", nil)
	case *events.TemporaryBan:
		c.emit("temporary_ban", result{"code": e.Code.String(), "expiresInSeconds": int64(e.Expire.Seconds())})
	case *events.KeepAliveTimeout:
		c.emit("keepalive_timeout", result{"errorCount": e.ErrorCount})
	case *events.KeepAliveRestored:
		c.emit("keepalive_restored", nil)
	default:
		c.emit("unhandled", result{"kind": fmt.Sprintf("%T", evt)})
	}
}
