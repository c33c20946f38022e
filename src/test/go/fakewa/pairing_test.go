package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

func TestQRPairingThenLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(cfg *Config) { cfg.Refs = 3 })
	tc, qr := h.qrClient()
	if len(qr.Codes) != 3 {
		t.Fatalf("got %d QR codes, want 3", len(qr.Codes))
	}
	for _, code := range qr.Codes {
		if !strings.HasPrefix(code, qrPrefix) || !strings.HasSuffix(code, ",9") {
			t.Fatalf("unexpected QR text %q", code)
		}
	}
	phone := fmtPhone(1)
	outcome := h.scan(qr.Codes[1], phone, http.StatusOK)
	if outcome.Result != "paired" || outcome.JID != strings.TrimPrefix(phone, "+")+":1@s.whatsapp.net" || !strings.HasSuffix(outcome.LID, ":1@lid") {
		t.Fatalf("scan outcome %+v", outcome)
	}
	success := waitEvent[*events.PairSuccess](tc)
	if success.ID.String() != outcome.JID || success.LID.String() != outcome.LID {
		t.Fatalf("PairSuccess %s / %s, scan said %s / %s", success.ID, success.LID, outcome.JID, outcome.LID)
	}
	waitEvent[*events.Connected](tc)
	if !tc.cli.IsLoggedIn() || tc.cli.Store.ID.String() != outcome.JID {
		t.Fatalf("client not logged in as %s (store ID %v)", outcome.JID, tc.cli.Store.ID)
	}
	h.waitDevice(outcome.JID, true)
	devices := h.devices()
	if len(devices) != 1 || devices[0].PhoneNumber != phone || devices[0].LID != outcome.LID {
		t.Fatalf("devices %+v", devices)
	}
	// The client uploaded its first 812 pre-keys, which the server now counts.
	if n := h.preKeys(outcome.JID); n != 812 {
		t.Fatalf("server counts %d pre-keys, want 812", n)
	}
	// A ref pairs once.
	h.scan(qr.Codes[1], phone, http.StatusNotFound)
}

func TestPrePairCallbackRefusalIsReported(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	tc := h.newClient()
	tc.cli.PrePairCallback = func(types.JID, string, string) bool { return false }
	tc.connect()
	qr := waitEvent[*events.QR](tc)
	outcome := h.scan(qr.Codes[0], fmtPhone(2), http.StatusConflict)
	if outcome.Result != "rejected" || outcome.Code != 500 || outcome.Text != "internal-error" {
		t.Fatalf("scan outcome %+v", outcome)
	}
	waitEvent[*events.PairError](tc)
	if devices := h.devices(); len(devices) != 0 {
		t.Fatalf("a refused pairing was recorded: %+v", devices)
	}
}

func TestPasskeyAccountGetsPasskeyRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	phone := fmtPhone(3)
	if status := h.control("POST", "/control/accounts", map[string]any{"phoneNumber": phone, "passkey": true}, nil); status != http.StatusOK {
		t.Fatalf("accounts: status %d", status)
	}
	tc, qr := h.qrClient()
	if outcome := h.scan(qr.Codes[0], phone, http.StatusOK); outcome.Result != "passkey_requested" {
		t.Fatalf("scan outcome %+v", outcome)
	}
	req := waitEvent[*events.PairPasskeyRequest](tc)
	if req.PublicKey == nil || len(req.PublicKey.Challenge) != 32 || req.PublicKey.RelyingPartID == "" {
		t.Fatalf("passkey request %+v", req.PublicKey)
	}
	if devices := h.devices(); len(devices) != 0 {
		t.Fatalf("a passkey scan linked a device: %+v", devices)
	}
}

func TestUnknownExpiredAndMalformedScans(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(cfg *Config) { cfg.Refs = 2 })
	_, qr := h.qrClient()
	phone := fmtPhone(4)
	unknown := strings.Replace(qr.Codes[0], "#2@", "#2@x", 1)
	h.scan(unknown, phone, http.StatusNotFound)
	// Legacy form without the URL prefix and the client type, for a ref that is not ours.
	fields := strings.Split(strings.TrimPrefix(qr.Codes[0], qrPrefix), ",")
	h.scan(strings.Join(append([]string{"nope"}, fields[1:4]...), ","), phone, http.StatusNotFound)
	h.scan("not a QR", phone, http.StatusBadRequest)
	if status := h.control("POST", "/control/scan", "{", nil); status != http.StatusBadRequest {
		t.Fatalf("malformed body: status %d", status)
	}
	if status := h.control("POST", "/control/scan", map[string]string{"qr": qr.Codes[0], "phoneNumber": "12"}, nil); status != http.StatusBadRequest {
		t.Fatalf("bad phone number: status %d", status)
	}
	// A batch of 2 refs lives 60 s + 20 s.
	h.advanceClock(80*time.Second + time.Millisecond)
	h.scan(qr.Codes[1], phone, http.StatusNotFound)
	if devices := h.devices(); len(devices) != 0 {
		t.Fatalf("devices %+v", devices)
	}
}

func TestLegacyQRFormPairs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	tc, qr := h.qrClient()
	fields := strings.Split(strings.TrimPrefix(qr.Codes[0], qrPrefix), ",")
	if outcome := h.scan(strings.Join(fields[:4], ","), fmtPhone(5), http.StatusOK); outcome.Result != "paired" {
		t.Fatalf("scan outcome %+v", outcome)
	}
	waitEvent[*events.Connected](tc)
}

func TestNotifyReachesPairingConnections(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.qrClient() // a connection still pairing: the one the notice reaches
	paired, _ := h.pairedClient(fmtPhone(6))
	_ = paired
	var out map[string]int
	if status := h.control("POST", "/control/notify", map[string]string{"type": "companion_reg_refresh"}, &out); status != http.StatusOK || out["sent"] != 1 {
		t.Fatalf("notify: status %d, %v", status, out)
	}
}
