package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// pairPhoneTimeout bounds the request for a linking code.
const pairPhoneTimeout = 30 * time.Second

// acceptPairing is whatsmeow's pre-pair hook: it refuses a scan by an account that is not the requested number,
// before anything is linked or stored.
func (c *bridgeClient) acceptPairing(jid types.JID, _, _ string) bool {
	if digitsOf(jid.User) == digitsOf(c.phoneNumber) {
		return true
	}
	c.rejectedPhone.Store("+" + jid.User)
	return false
}

func digitsOf(phone string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
}

// pairPhone asks WhatsApp for an 8-character linking code for the phone number (the connection must be open).
// whatsmeow's failure keeps its code (errors.go): NOT_CONNECTED without a pairing connection, TIMED_OUT,
// RATE_LIMITED...
func (c *bridgeClient) pairPhone(phoneNumber string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pairPhoneTimeout)
	defer cancel()
	code, err := c.wa.PairPhone(ctx, phoneNumber, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
	if err != nil {
		return nil, fmt.Errorf("asking WhatsApp for a linking code: %w", err)
	}
	return result{"code": code}, nil
}

// onPairSuccess records which number the new device belongs to before the JVM hears of it.
func (c *bridgeClient) onPairSuccess(e *events.PairSuccess) {
	opened, done, err := c.bridge.registry.useStore()
	if err == nil {
		err = opened.devices.saveMapping(context.Background(),
			numberDevice{NumberID: c.numberID, PhoneNumber: c.phoneNumber, JID: e.ID.String()})
		done()
	}
	if err != nil {
		// Without the mapping a restart would not find this device: better to fail the pairing visibly now.
		c.emit("pair_error", result{"code": classify(err),
			"reason": "the device was linked but could not be recorded: " + err.Error()})
		return
	}
	c.emit("pair_success", result{"jid": e.ID.String(), "phoneNumber": "+" + e.ID.User, "platform": e.Platform})
}

// onPairError reports a failed pairing with its code; a scan our pre-pair hook refused is a phone mismatch.
func (c *bridgeClient) onPairError(e *events.PairError) {
	code := classify(e.Error)
	if code == codePairRejectedLocally {
		if scanned, ok := c.rejectedPhone.Load().(string); ok {
			c.emit("phone_mismatch", result{"scannedPhoneNumber": scanned})
			return
		}
	}
	c.emit("pair_error", result{"code": code, "reason": e.Error.Error()})
}
