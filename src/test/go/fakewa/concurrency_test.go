package main

import (
	"net/http"
	"sync"
	"testing"

	"go.mau.fi/whatsmeow/types/events"
)

// TestConcurrentPairings pairs several clients at once, two of them on the same account, and checks that each
// gets its own device number and ends up connected.
func TestConcurrentPairings(t *testing.T) {
	t.Parallel()
	const clients = 8
	h := newHarness(t, nil)
	tcs := make([]*testClient, clients)
	for i := range tcs {
		tcs[i] = h.newClient()
		tcs[i].connect()
	}
	var wg sync.WaitGroup
	outcomes := make([]pairOutcome, clients)
	for i, tc := range tcs {
		qr := waitEvent[*events.QR](tc)
		wg.Go(func() {
			outcomes[i] = h.scanNoFatal(qr.Codes[0], fmtPhone(30+i/2))
		})
	}
	wg.Wait()
	seen := make(map[string]bool)
	for i, outcome := range outcomes {
		if outcome.Result != "paired" || seen[outcome.JID] {
			t.Fatalf("client %d: outcome %+v", i, outcome)
		}
		seen[outcome.JID] = true
		waitEvent[*events.Connected](tcs[i])
		h.waitDevice(outcome.JID, true)
	}
	if n := len(h.devices()); n != clients {
		t.Fatalf("%d devices listed, want %d", n, clients)
	}
}

// scanNoFatal is scan for other goroutines than the test's: a failed call comes back as an empty outcome.
func (h *harness) scanNoFatal(qr, phone string) pairOutcome {
	var out pairOutcome
	if status := h.controlNoFatal("POST", "/control/scan", map[string]string{"qr": qr, "phoneNumber": phone}, &out); status != http.StatusOK {
		h.t.Errorf("scan by %s: status %d", phone, status)
	}
	return out
}
