package main

import (
	"context"
	"net/http"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"
)

// requestCode connects a new client and asks for a pairing code for phone, as PairPhone's doc says: after the
// first QR event.
func (h *harness) requestCode(phone string) (*testClient, string) {
	h.t.Helper()
	tc, _ := h.qrClient()
	ctx, cancel := context.WithTimeout(context.Background(), eventTimeout)
	defer cancel()
	code, err := tc.cli.PairPhone(ctx, phone, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
	if err != nil {
		h.t.Fatalf("PairPhone: %v", err)
	}
	return tc, code
}

func (h *harness) enterCode(code, phone string, wantStatus int) pairOutcome {
	h.t.Helper()
	return h.pairCall("/control/code", map[string]string{"code": code, "phoneNumber": phone}, wantStatus)
}

func TestPairingByCode(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	phone := fmtPhone(20)
	tc, code := h.requestCode(phone)
	outcome := h.enterCode(code, phone, http.StatusOK)
	if outcome.Result != "paired" {
		t.Fatalf("code outcome %+v", outcome)
	}
	waitEvent[*events.PairSuccess](tc)
	waitEvent[*events.Connected](tc)
	h.waitDevice(outcome.JID, true)
	// The request is used up.
	h.enterCode(code, phone, http.StatusNotFound)
}

func TestWrongCodeLinksNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	phone := fmtPhone(21)
	tc, code := h.requestCode(phone)
	wrong := "AAAA-AAAA"
	if code == wrong {
		wrong = "BBBB-BBBB"
	}
	h.enterCode(wrong, phone, http.StatusBadRequest)
	if devices := h.devices(); len(devices) != 0 {
		t.Fatalf("a wrong code linked %+v", devices)
	}
	h.enterCode(code, fmtPhone(22), http.StatusNotFound)
	// The client still waits: the right code links it.
	if outcome := h.enterCode(code, phone, http.StatusOK); outcome.Result != "paired" {
		t.Fatalf("code outcome %+v", outcome)
	}
	waitEvent[*events.Connected](tc)
}
