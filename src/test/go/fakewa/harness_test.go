package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"go.mau.fi/whatsmeow/util/keys"
	waLog "go.mau.fi/whatsmeow/util/log"
)

// eventTimeout bounds every wait for a client event or a control answer.
const eventTimeout = 20 * time.Second

// testRoot is shared by every server of the test run: whatsmeow.WACertPubKey is a package variable.
var testRoot = keys.NewKeyPair()

func TestMain(m *testing.M) {
	whatsmeow.WACertPubKey = *testRoot.Pub
	// Short keepalives make every test exercise the w:p answers.
	whatsmeow.KeepAliveIntervalMin = 200 * time.Millisecond
	whatsmeow.KeepAliveIntervalMax = 400 * time.Millisecond
	os.Exit(m.Run())
}

// harness is one in-process server on a local port.
type harness struct {
	t    *testing.T
	srv  *Server
	http *httptest.Server
	now  atomic.Int64 // offset added to the real clock, in nanoseconds, so tests can age refs
}

func newHarness(t *testing.T, configure func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t}
	logOut := io.Discard
	if testing.Verbose() {
		logOut = os.Stderr
	}
	cfg := Config{
		Refs: 6, RootKey: testRoot, Log: log.New(logOut, "fakewa: ", log.Lmicroseconds),
		Now: func() time.Time { return time.Now().Add(time.Duration(h.now.Load())) },
	}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	h.http = httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		srv.Close()
		h.http.Close()
	})
	return h
}

// advanceClock moves the server's clock forward.
func (h *harness) advanceClock(d time.Duration) {
	h.now.Add(int64(d))
}

// redirectingClient sends whatever whatsmeow asks for (https://web.whatsapp.com, wss://…/ws/chat) to our
// plain-TCP listener: net/http skips TLS when DialTLSContext returns a connection that is not a *tls.Conn.
func (h *harness) redirectingClient() *http.Client {
	addr := h.http.Listener.Addr().String()
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}
	return &http.Client{Transport: &http.Transport{DialContext: dial, DialTLSContext: dial}}
}

// control calls the control API and decodes the JSON answer into out (when not nil); only for the test's goroutine.
func (h *harness) control(method, path string, body any, out any) int {
	h.t.Helper()
	status, err := h.controlErr(method, path, body, out)
	if err != nil {
		h.t.Fatal(err)
	}
	return status
}

// controlNoFatal is control for other goroutines: it reports a failure with Errorf and answers status 0.
func (h *harness) controlNoFatal(method, path string, body any, out any) int {
	status, err := h.controlErr(method, path, body, out)
	if err != nil {
		h.t.Error(err)
	}
	return status
}

func (h *harness) controlErr(method, path string, body any, out any) (int, error) {
	var reqBody io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		reqBody = bytes.NewReader(encoded)
	}
	ctx, cancel := context.WithTimeout(context.Background(), eventTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, h.http.URL+path, reqBody)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		return 0, fmt.Errorf("%s %s answered Content-Type %q", method, path, ct)
	}
	if out != nil {
		if err = json.NewDecoder(resp.Body).Decode(out); err != nil {
			return 0, fmt.Errorf("%s %s: decoding answer: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

func (h *harness) devices() []deviceView {
	h.t.Helper()
	var out struct {
		Devices []deviceView `json:"devices"`
	}
	if status := h.control("GET", "/control/devices", nil, &out); status != http.StatusOK {
		h.t.Fatalf("devices: status %d", status)
	}
	return out.Devices
}

// testClient is a real whatsmeow client with a SQLite store, its events in a channel.
type testClient struct {
	t      *testing.T
	cli    *whatsmeow.Client
	events chan any
}

func (h *harness) newClient() *testClient {
	h.t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(h.t.TempDir(), "store.db")
	container, err := sqlstore.New(ctx, "sqlite3", "file:"+dbPath+"?_foreign_keys=on&_journal_mode=WAL&_synchronous=OFF", waLog.Noop)
	if err != nil {
		h.t.Fatal(err)
	}
	cli := whatsmeow.NewClient(container.NewDevice(), waLog.Noop)
	hc := h.redirectingClient()
	cli.SetPreLoginHTTPClient(hc)
	cli.SetWebsocketHTTPClient(hc)
	tc := &testClient{t: h.t, cli: cli, events: make(chan any, 1024)}
	cli.AddEventHandler(func(evt any) {
		select {
		case tc.events <- evt:
		default:
		}
	})
	h.t.Cleanup(func() {
		cli.Disconnect()
		_ = container.Close()
	})
	return tc
}

func (tc *testClient) connect() {
	tc.t.Helper()
	if err := tc.cli.Connect(); err != nil {
		tc.t.Fatalf("connect: %v", err)
	}
}

// waitEvent returns the next event of type T, skipping others; it fails the test after eventTimeout.
func waitEvent[T any](tc *testClient) T {
	tc.t.Helper()
	deadline := time.NewTimer(eventTimeout)
	defer deadline.Stop()
	for {
		select {
		case evt := <-tc.events:
			if typed, ok := evt.(T); ok {
				return typed
			}
		case <-deadline.C:
			var zero T
			tc.t.Fatalf("no %T event within %s", zero, eventTimeout)
			return zero
		}
	}
}

// qrClient connects a new client and waits for its first QR codes.
func (h *harness) qrClient() (*testClient, *events.QR) {
	h.t.Helper()
	tc := h.newClient()
	tc.connect()
	return tc, waitEvent[*events.QR](tc)
}

// pairedClient connects a new client, scans its first QR code as phone and waits until it is logged in.
func (h *harness) pairedClient(phone string) (*testClient, pairOutcome) {
	h.t.Helper()
	tc, qr := h.qrClient()
	outcome := h.scan(qr.Codes[0], phone, http.StatusOK)
	if outcome.Result != "paired" {
		h.t.Fatalf("scan: %+v", outcome)
	}
	waitEvent[*events.PairSuccess](tc)
	waitEvent[*events.Connected](tc)
	return tc, outcome
}

// linkedClient is pairedClient, then waits until the server lists the device as connected too.
func (h *harness) linkedClient(phone string) (*testClient, pairOutcome) {
	h.t.Helper()
	tc, outcome := h.pairedClient(phone)
	h.waitDevice(outcome.JID, true)
	return tc, outcome
}

// controlPhone posts {"phoneNumber": phone} to a control endpoint and fails the test unless it answers want.
func (h *harness) controlPhone(path, phone string, want int) {
	h.t.Helper()
	if status := h.control("POST", path, map[string]string{"phoneNumber": phone}, nil); status != want {
		h.t.Fatalf("%s for %s: status %d, want %d", path, phone, status, want)
	}
}

func (h *harness) scan(qr, phone string, wantStatus int) pairOutcome {
	h.t.Helper()
	return h.pairCall("/control/scan", map[string]string{"qr": qr, "phoneNumber": phone}, wantStatus)
}

// pairCall asks the control API for a pairing (scan or code) and checks the status it answers.
func (h *harness) pairCall(path string, body map[string]string, wantStatus int) pairOutcome {
	h.t.Helper()
	var out pairOutcome
	if status := h.control("POST", path, body, &out); status != wantStatus {
		h.t.Fatalf("%s: status %d, want %d (%+v)", path, status, wantStatus, out)
	}
	return out
}

// waitDevice polls the device list until the device's connected mark is as wanted: the server learns of a
// login or a close on its own goroutines, after the client's event may already have fired.
func (h *harness) waitDevice(jid string, connected bool) {
	h.t.Helper()
	deadline := time.Now().Add(eventTimeout)
	for time.Now().Before(deadline) {
		for _, d := range h.devices() {
			if d.JID == jid && d.Connected == connected {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("device %s never listed with connected=%t: %+v", jid, connected, h.devices())
}

func fmtPhone(n int) string {
	return fmt.Sprintf("+22177%07d", n)
}

// preKeys is the server's pre-key count of a device.
func (h *harness) preKeys(jid string) int {
	h.t.Helper()
	parsed, err := types.ParseJID(jid)
	if err != nil {
		h.t.Fatal(err)
	}
	h.srv.state.mu.Lock()
	defer h.srv.state.mu.Unlock()
	d, ok := h.srv.state.devices[parsed]
	if !ok {
		h.t.Fatalf("no device %s", jid)
	}
	return d.preKeys
}
