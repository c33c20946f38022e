package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"
)

func TestLogoutRemovesDevice(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	phone := fmtPhone(10)
	tc, _ := h.linkedClient(phone)
	var out map[string]int
	if status := h.control("POST", "/control/logout", map[string]string{"phoneNumber": phone}, &out); status != http.StatusOK || out["loggedOut"] != 1 {
		t.Fatalf("logout: status %d, %v", status, out)
	}
	if evt := waitEvent[*events.LoggedOut](tc); evt.OnConnect || evt.Reason != events.ConnectFailureLoggedOut {
		t.Fatalf("LoggedOut %+v", evt)
	}
	if devices := h.devices(); len(devices) != 0 {
		t.Fatalf("devices after logout: %+v", devices)
	}
	h.controlPhone("/control/logout", phone, http.StatusNotFound)
}

func TestDropReconnects(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	phone := fmtPhone(11)
	tc, outcome := h.linkedClient(phone)
	h.controlPhone("/control/drop", phone, http.StatusOK)
	waitEvent[*events.Disconnected](tc)
	waitEvent[*events.Connected](tc)
	h.waitDevice(outcome.JID, true)
	// The pre-keys uploaded at the first login are still counted, so the client did not upload again.
	if n := h.preKeys(outcome.JID); n != 812 {
		t.Fatalf("server counts %d pre-keys after reconnect, want 812", n)
	}
	h.controlPhone("/control/drop", fmtPhone(99), http.StatusNotFound)
}

func TestBannedAccountGetsTemporaryBan(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	phone := fmtPhone(12)
	tc, _ := h.pairedClient(phone)
	ban := map[string]any{"phoneNumber": phone, "ban": map[string]int{"code": 101, "expireSeconds": 3600}}
	if status := h.control("POST", "/control/accounts", ban, nil); status != http.StatusOK {
		t.Fatalf("accounts: status %d", status)
	}
	evt := waitEvent[*events.TemporaryBan](tc)
	if evt.Code != 101 || evt.Expire != time.Hour {
		t.Fatalf("TemporaryBan %+v", evt)
	}
}

func TestForgottenDeviceIsLoggedOutOnConnect(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	phone := fmtPhone(13)
	tc, _ := h.linkedClient(phone)
	// The server loses the device without telling the client (as if unlinked while offline); its next login fails.
	digits, _ := normalizePhone(phone)
	_, live := h.srv.state.forget(digits)
	for _, s := range live {
		s.close()
	}
	if evt := waitEvent[*events.LoggedOut](tc); !evt.OnConnect || evt.Reason != events.ConnectFailureLoggedOut {
		t.Fatalf("LoggedOut %+v", evt)
	}
}

func TestMinimumClientVersion(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	current := store.GetWAVersion()[2]
	setMinimum := func(minimum uint32) {
		t.Helper()
		var out versionBody
		if status := h.control("PUT", "/control/client-version", versionBody{Minimum: minimum, Latest: current + 5}, &out); status != http.StatusOK || out.Minimum != minimum {
			t.Fatalf("client-version: status %d, %+v", status, out)
		}
	}
	setMinimum(current + 1)
	outdated := h.newClient()
	outdated.connect()
	waitEvent[*events.ClientOutdated](outdated)

	setMinimum(current)
	tc, outcome := h.pairedClient(fmtPhone(14))

	// A known device below the minimum is refused at login too.
	setMinimum(current + 1)
	h.controlPhone("/control/drop", fmtPhone(14), http.StatusOK)
	waitEvent[*events.ClientOutdated](tc)
	h.waitDevice(outcome.JID, false)

	// The version page advertises what was set, as whatsmeow reads it.
	ctx, cancel := context.WithTimeout(context.Background(), eventTimeout)
	defer cancel()
	latest, err := whatsmeow.GetLatestVersion(ctx, h.redirectingClient())
	if err != nil || latest[2] != current+5 {
		t.Fatalf("GetLatestVersion: %v, %v", latest, err)
	}
	var got versionBody
	if status := h.control("GET", "/control/client-version", nil, &got); status != http.StatusOK || got != (versionBody{Minimum: current + 1, Latest: current + 5}) {
		t.Fatalf("GET client-version: status %d, %+v", status, got)
	}
}
