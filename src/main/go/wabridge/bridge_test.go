package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
)

// answer decodes a bridge call's JSON answer.
func answer(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var decoded map[string]any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatalf("answer %q is not JSON: %v", raw, err)
	}
	return decoded
}

func mustOK(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	decoded := answer(t, raw)
	if decoded["ok"] != true {
		t.Fatalf("call failed: %s", raw)
	}
	return decoded
}

// mustFail checks a failed call's code, and that its human message says what went wrong.
func mustFail(t *testing.T, raw []byte, code errorCode, errorPart string) {
	t.Helper()
	decoded := answer(t, raw)
	if decoded["ok"] != false || decoded["code"] != string(code) ||
		!strings.Contains(fmt.Sprint(decoded["error"]), errorPart) {
		t.Fatalf("want an error %s containing %q, got %s", code, errorPart, raw)
	}
}

// storeOf is the open store of a test's bridge.
func storeOf(t *testing.T, b *Bridge) *deviceStore {
	t.Helper()
	opened, err := b.registry.openedStore()
	if err != nil {
		t.Fatal(err)
	}
	return opened.devices
}

// openBridge returns a bridge with a fresh SQLite store in a temporary directory.
func openBridge(t *testing.T, extra map[string]string) (*Bridge, string) {
	t.Helper()
	b := newBridge()
	path := filepath.Join(t.TempDir(), "data", "whatsmeow.db")
	// Pinned to whatsmeow's own version unless a test says otherwise: no test asks web.whatsapp.com.
	cfg := map[string]string{"sqlitePath": path, "logLevel": "WARN", "clientVersion": builtInVersion.String()}
	for k, v := range extra {
		cfg[k] = v
	}
	encoded, _ := json.Marshal(cfg)
	mustOK(t, b.call("open", func() (result, error) { return b.openStore(string(encoded)) }))
	t.Cleanup(func() { b.closeStore() })
	return b, path
}

func createClient(t *testing.T, b *Bridge, numberID int64, phone string) map[string]any {
	t.Helper()
	spec := fmt.Sprintf(`{"numberId":%d,"phoneNumber":%q}`, numberID, phone)
	return mustOK(t, b.call("create", func() (result, error) { return b.createClient(spec) }))
}

// nextEvent returns the next event that is not a log line.
func nextEvent(t *testing.T, b *Bridge, timeout time.Duration) map[string]any {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		raw := b.queue.pop(time.Until(deadline))
		if raw == nil {
			break
		}
		event := answer(t, raw)
		if event["type"] != "log" {
			return event
		}
	}
	t.Fatalf("no event within %v", timeout)
	return nil
}

// saveLinkedDevice stores a device as whatsmeow does after a pairing (keys, no real account behind it).
func saveLinkedDevice(t *testing.T, b *Bridge, jid types.JID) {
	t.Helper()
	device := storeOf(t, b).container.NewDevice()
	device.ID = &jid
	device.Account = &waAdv.ADVSignedDeviceIdentity{
		Details: []byte{1}, AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32),
		DeviceSignature: make([]byte, 64),
	}
	if err := device.Save(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestCallAnswersOkWithTheResultFields(t *testing.T) {
	b := newBridge()
	got := mustOK(t, b.call("version", b.version))
	if got["bridge"] != bridgeVersion || !strings.HasPrefix(fmt.Sprint(got["go"]), "go1.") {
		t.Fatalf("version answer = %v", got)
	}
}

func TestCallTurnsAnErrorIntoOkFalse(t *testing.T) {
	b := newBridge()
	mustFail(t, b.call("x", func() (result, error) { return nil, errors.New("no luck") }), codeUnclassified, "no luck")
}

func TestCallRecoversAPanicAndLogsItsStack(t *testing.T) {
	b := newBridge()
	raw := b.call("wb_boom", func() (result, error) {
		var nothing map[string]int
		nothing["x"] = 1 // a nil map write panics
		return nil, nil
	})
	mustFail(t, raw, codeInternal, "panic: assignment to entry in nil map")
	logged := answer(t, b.queue.pop(time.Second))
	if logged["type"] != "log" || logged["level"] != "ERROR" ||
		!strings.Contains(fmt.Sprint(logged["message"]), "panic in wb_boom") {
		t.Fatalf("panic log event = %v", logged)
	}
}

func TestStatsCountsClientsAndGoroutines(t *testing.T) {
	b, _ := openBridge(t, nil)
	createClient(t, b, 6, "+221771234567")
	stats := mustOK(t, b.call("stats", b.stats))
	if stats["clients"] != 1.0 || stats["goroutines"].(float64) < 1 || stats["heapAllocBytes"].(float64) <= 0 {
		t.Fatalf("stats = %v", stats)
	}
	for _, key := range []string{"queuedEvents", "droppedLogs", "droppedEvents"} {
		if _, ok := stats[key]; !ok {
			t.Fatalf("stats lacks %s: %v", key, stats)
		}
	}
}

func TestTheSqliteStoreIsCreatedPrivate(t *testing.T) {
	_, path := openBridge(t, nil)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Fatalf("store file mode = %o, want 600", mode)
	}
}

func TestAnExistingStoreFileIsMadePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "whatsmeow.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := createPrivateFile(path); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Fatalf("store file mode = %o, want 600", mode)
	}
}

func TestOpenStoreRejectsBadConfig(t *testing.T) {
	b := newBridge()
	open := func(cfg string) []byte {
		return b.call("open", func() (result, error) { return b.openStore(cfg) })
	}
	mustFail(t, open(`not json`), codeBadArgument, "not valid JSON")
	mustFail(t, open(`{}`), codeBadArgument, "neither sqlitePath nor postgresDsn")
	mustFail(t, open(`{"sqlitePath":"x.db","logLevel":"LOUD"}`), codeBadArgument, "unknown log level")
	mustFail(t, open(`{"sqlitePath":"x.db","websocketUrl":"http://localhost"}`), codeBadArgument, "must be ws or wss")
	mustFail(t, open(`{"sqlitePath":"x.db","proxy":"ftp://proxy:21"}`), codeBadArgument, "must be http, https or socks5")
	mustFail(t, open(`{"sqlitePath":"x.db","proxy":"socks5://"}`), codeBadArgument, "has no host")
}

func TestCreateClientValidatesItsSpec(t *testing.T) {
	b, _ := openBridge(t, nil)
	create := func(spec string) []byte {
		return b.call("create", func() (result, error) { return b.createClient(spec) })
	}
	mustFail(t, create(`{"numberId":0,"phoneNumber":"+221771234567"}`), codeBadArgument, "numberId must be a positive")
	mustFail(t, create(`{"numberId":6,"phoneNumber":"12"}`), codeBadArgument, "phoneNumber must be")
	mustFail(t, create(`[1]`), codeBadArgument, "not valid JSON")
	created := createClient(t, b, 6, "+221771234567")
	if created["handle"].(float64) <= 0 || created["paired"] != false || created["jid"] != "" {
		t.Fatalf("create answer = %v", created)
	}
	mustFail(t, create(`{"numberId":6,"phoneNumber":"+221771234567"}`), codeNumberInUse, "already has an open client")
}

func TestCallsWithoutAStoreOrHandleFailClearly(t *testing.T) {
	b := newBridge()
	mustFail(t, b.call("create", func() (result, error) {
		return b.createClient(`{"numberId":6,"phoneNumber":"+221771234567"}`)
	}), codeStoreNotOpen, "store is not open")
	mustFail(t, b.call("connect", func() (result, error) {
		return b.withClient(99, (*bridgeClient).connect)
	}), codeUnknownClient, "no client with handle 99")
	mustFail(t, b.call("devices", b.devices), codeStoreNotOpen, "store is not open")
}

func TestAStoredDeviceIsFoundAgainByItsNumber(t *testing.T) {
	b, _ := openBridge(t, nil)
	jid := types.NewADJID("221771234567", 0, 12)
	saveLinkedDevice(t, b, jid)
	created := createClient(t, b, 6, "+221771234567")
	client, _ := b.registry.client(int64(created["handle"].(float64)))
	client.onEvent(&events.PairSuccess{ID: jid, Platform: "android"})
	success := nextEvent(t, b, time.Second)
	if success["type"] != "pair_success" || success["jid"] != jid.String() ||
		success["phoneNumber"] != "+221771234567" || success["platform"] != "android" {
		t.Fatalf("pair_success event = %v", success)
	}
	mustOK(t, b.call("destroy", func() (result, error) { return b.destroy(client.handle) }))

	devices := mustOK(t, b.call("devices", b.devices))["devices"].([]any)
	if len(devices) != 1 {
		t.Fatalf("devices = %v", devices)
	}
	stored := devices[0].(map[string]any)
	if stored["numberId"] != 6.0 || stored["phoneNumber"] != "+221771234567" || stored["jid"] != jid.String() {
		t.Fatalf("stored device = %v", stored)
	}
	reopened := createClient(t, b, 6, "+221771234567")
	if reopened["paired"] != true || reopened["jid"] != jid.String() {
		t.Fatalf("reopened client = %v", reopened)
	}
}

func TestDeleteDeviceForgetsTheDeviceAndItsMapping(t *testing.T) {
	b, _ := openBridge(t, nil)
	jid := types.NewADJID("221771234567", 0, 3)
	saveLinkedDevice(t, b, jid)
	if err := storeOf(t, b).saveMapping(context.Background(), numberDevice{6, "+221771234567", jid.String()}); err != nil {
		t.Fatal(err)
	}
	created := createClient(t, b, 6, "+221771234567")
	mustFail(t, b.call("delete", func() (result, error) { return b.deleteDevice(6) }), codeNumberInUse, "has an open client")
	mustOK(t, b.call("destroy", func() (result, error) { return b.destroy(int64(created["handle"].(float64))) }))

	if mustOK(t, b.call("delete", func() (result, error) { return b.deleteDevice(6) }))["deleted"] != true {
		t.Fatal("the stored device was not reported deleted")
	}
	if mustOK(t, b.call("delete", func() (result, error) { return b.deleteDevice(6) }))["deleted"] != false {
		t.Fatal("deleting twice reported a deletion")
	}
	if got, _ := storeOf(t, b).container.GetDevice(context.Background(), jid); got != nil {
		t.Fatal("whatsmeow's device row survived the deletion")
	}
}

func TestAMappingWhoseDeviceIsGoneIsDropped(t *testing.T) {
	b, _ := openBridge(t, nil)
	if err := storeOf(t, b).saveMapping(context.Background(),
		numberDevice{7, "+221770000000", "221770000000:4@s.whatsapp.net"}); err != nil {
		t.Fatal(err)
	}
	if devices := mustOK(t, b.call("devices", b.devices))["devices"].([]any); len(devices) != 0 {
		t.Fatalf("devices = %v", devices)
	}
	if _, found, _ := storeOf(t, b).mapping(context.Background(), 7); found {
		t.Fatal("the stale mapping is still there")
	}
}

func TestWhatsmeowEventsBecomeBridgeEvents(t *testing.T) {
	b, _ := openBridge(t, nil)
	created := createClient(t, b, 6, "+221771234567")
	client, _ := b.registry.client(int64(created["handle"].(float64)))
	client.announcedVersion.Store(builtInVersion)
	cases := []struct {
		event any
		want  map[string]any
	}{
		{&events.QR{Codes: []string{"a", "b"}}, map[string]any{"type": "qr", "codes": []any{"a", "b"}}},
		{&events.StreamReplaced{}, map[string]any{"type": "stream_replaced"}},
		{&events.Disconnected{}, map[string]any{"type": "disconnected"}},
		{&events.ClientOutdated{}, map[string]any{"type": "client_outdated", "reason": "WhatsApp refused client " +
			"version " + builtInVersion.String() + " as outdated and no newer version could be found: the " +
			"operator pinned client version " + builtInVersion.String() + " (whatsapp.whatsmeow.client-version)"}},
		{&events.PairPasskeyRequest{}, map[string]any{"type": "passkey_required",
			"reason": "WhatsApp asks for a passkey to link a device to this account"}},
		{&events.QRScannedWithoutMultidevice{}, map[string]any{"type": "scanned_without_multidevice"}},
		{&events.TemporaryBan{Code: events.TempBanBlockedByUsers, Expire: 90 * time.Second},
			map[string]any{"type": "temporary_ban", "expiresInSeconds": 90.0,
				"code": events.TempBanBlockedByUsers.String()}},
		{&events.KeepAliveTimeout{ErrorCount: 2}, map[string]any{"type": "keepalive_timeout", "errorCount": 2.0}},
		{&events.KeepAliveRestored{}, map[string]any{"type": "keepalive_restored"}},
		{&events.LoggedOut{Reason: events.ConnectFailureLoggedOut},
			map[string]any{"type": "logged_out", "reason": events.ConnectFailureLoggedOut.String()}},
		{&events.ConnectFailure{Reason: events.ConnectFailureBadUserAgent, Message: "nope"},
			map[string]any{"type": "connect_failed"}},
		{&events.PairError{Error: errors.New("hmac mismatch")},
			map[string]any{"type": "pair_error", "reason": "hmac mismatch"}},
		{&events.OfflineSyncCompleted{Count: 1},
			map[string]any{"type": "unhandled", "kind": "*events.OfflineSyncCompleted"}},
	}
	for _, tc := range cases {
		client.onEvent(tc.event)
		got := nextEvent(t, b, time.Second)
		if got["handle"] != float64(client.handle) || got["numberId"] != 6.0 {
			t.Fatalf("%T: envelope = %v", tc.event, got)
		}
		for key, want := range tc.want {
			if fmt.Sprint(got[key]) != fmt.Sprint(want) {
				t.Fatalf("%T: %s = %v, want %v (event %v)", tc.event, key, got[key], want, got)
			}
		}
	}
}

func TestAPairingByAnotherAccountIsRefusedAndReportedAsMismatch(t *testing.T) {
	b, _ := openBridge(t, nil)
	created := createClient(t, b, 6, "221771234567")
	client, _ := b.registry.client(int64(created["handle"].(float64)))

	if !client.acceptPairing(types.NewADJID("221771234567", 0, 5), "android", "") {
		t.Fatal("the requested account was refused")
	}
	if client.acceptPairing(types.NewADJID("33612345678", 0, 5), "android", "") {
		t.Fatal("another account was accepted")
	}
	client.onEvent(&events.PairError{Error: whatsmeow.ErrPairRejectedLocally})
	got := nextEvent(t, b, time.Second)
	if got["type"] != "phone_mismatch" || got["scannedPhoneNumber"] != "+33612345678" {
		t.Fatalf("event = %v", got)
	}
}

func TestADestroyedClientEmitsNothing(t *testing.T) {
	b, _ := openBridge(t, nil)
	created := createClient(t, b, 6, "+221771234567")
	client, _ := b.registry.client(int64(created["handle"].(float64)))
	mustOK(t, b.call("destroy", func() (result, error) { return b.destroy(client.handle) }))
	client.onEvent(&events.StreamReplaced{})
	for raw := b.queue.pop(0); raw != nil; raw = b.queue.pop(0) {
		if event := answer(t, raw); event["type"] != "log" {
			t.Fatalf("a destroyed client emitted %v", event)
		}
	}
	mustFail(t, b.call("destroy", func() (result, error) { return b.destroy(client.handle) }), codeUnknownClient, "no client")
}

func TestConnectingToARefusingPortReportsConnectFailed(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	_ = listener.Close() // nothing listens there any more: connections are refused
	b, _ := openBridge(t, map[string]string{"websocketUrl": "ws://" + address})
	created := createClient(t, b, 6, "+221771234567")
	mustOK(t, b.call("connect", func() (result, error) {
		return b.withClient(int64(created["handle"].(float64)), (*bridgeClient).connect)
	}))
	for attempt := 1; attempt <= 3; attempt++ {
		got := nextEvent(t, b, 10*time.Second)
		if got["type"] != "connect_failed" || !strings.HasPrefix(fmt.Sprint(got["reason"]), "connection refused") {
			t.Fatalf("attempt %d: event = %v", attempt, got)
		}
		// The session layer retries as soon as it hears of the failure: the client must be ready for it.
		mustOK(t, b.call("connect", func() (result, error) {
			return b.withClient(int64(created["handle"].(float64)), (*bridgeClient).connect)
		}))
	}
}

func TestAWebsocketThatClosesAtOnceFailsTheHandshake(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err == nil {
			_ = conn.Close(websocket.StatusGoingAway, "bye")
		}
	}))
	defer server.Close()
	b, _ := openBridge(t, map[string]string{"websocketUrl": strings.Replace(server.URL, "http", "ws", 1)})
	created := createClient(t, b, 6, "+221771234567")
	handle := int64(created["handle"].(float64))
	mustOK(t, b.call("connect", func() (result, error) { return b.withClient(handle, (*bridgeClient).connect) }))
	// whatsmeow does not notice the close: it waits out its handshake timeout (20 s), then gives up.
	got := nextEvent(t, b, 30*time.Second)
	if got["type"] != "connect_failed" || !strings.HasPrefix(fmt.Sprint(got["reason"]), "WhatsApp handshake failed") {
		t.Fatalf("event = %v", got)
	}
}

func TestTheProxyCarriesTheConnectionToWhatsApp(t *testing.T) {
	tunnels := make(chan string, 1)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case tunnels <- r.Method + " " + r.Host:
		default:
		}
		http.Error(w, "no tunnel for tests", http.StatusBadGateway)
	}))
	defer proxy.Close()
	b, _ := openBridge(t, map[string]string{"proxy": proxy.URL})
	created := createClient(t, b, 6, "+221771234567")
	mustOK(t, b.call("connect", func() (result, error) {
		return b.withClient(int64(created["handle"].(float64)), (*bridgeClient).connect)
	}))
	select {
	case tunnel := <-tunnels:
		if tunnel != "CONNECT web.whatsapp.com:443" {
			t.Fatalf("the proxy was asked for %q", tunnel)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the connection did not go through the proxy")
	}
	if got := nextEvent(t, b, 10*time.Second); got["type"] != "connect_failed" {
		t.Fatalf("event = %v", got)
	}
}

func TestDisconnectCancelsAnAttemptInFlight(t *testing.T) {
	// A server that accepts TCP and never answers: the attempt hangs until cancelled.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	b, _ := openBridge(t, map[string]string{"websocketUrl": "ws://" + listener.Addr().String()})
	created := createClient(t, b, 6, "+221771234567")
	client, _ := b.registry.client(int64(created["handle"].(float64)))
	if first := mustOK(t, b.call("connect", func() (result, error) { return client.connect() })); first["already"] != false {
		t.Fatalf("first connect = %v", first)
	}
	if second := mustOK(t, b.call("connect", func() (result, error) { return client.connect() })); second["already"] != true {
		t.Fatalf("a connect during an attempt = %v, want already:true", second)
	}
	start := time.Now()
	mustOK(t, b.call("disconnect", func() (result, error) { return client.disconnect() }))
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("disconnect took %v", took)
	}
	if raw := b.queue.pop(200 * time.Millisecond); raw != nil && answer(t, raw)["type"] != "log" {
		t.Fatalf("a cancelled attempt reported %s", raw)
	}
}

func TestCloseStoreDestroysEveryClient(t *testing.T) {
	b, _ := openBridge(t, nil)
	createClient(t, b, 6, "+221771234567")
	createClient(t, b, 7, "+221771234568")
	mustOK(t, b.call("close", b.closeStore))
	if stats := mustOK(t, b.call("stats", b.stats)); stats["clients"] != 0.0 {
		t.Fatalf("stats after close = %v", stats)
	}
	mustFail(t, b.call("devices", b.devices), codeStoreNotOpen, "store is not open")
}

func TestLogLinesAreFilteredByLevelAndNeverCarryAQr(t *testing.T) {
	var lines []string
	root := &bridgeLogger{min: levelInfo, emit: func(level logLevel, module, message string) {
		lines = append(lines, level.String()+" "+module+" "+message)
	}}
	client := root.Sub("Client")
	key := strings.Repeat("A", 43) + "="
	qr := "2@abcDEF123==," + key + "," + key + "," + key
	client.Infof("showing %s now", qr)
	client.Debugf("hidden below INFO")
	client.Sub("Recv").Infof("frame")
	client.Sub("Recv").Debugf("<iq><ref>secret</ref></iq>")
	client.Errorf("failed %d", 3)
	want := []string{"INFO Client showing [QR redacted] now", "INFO Client/Recv frame", "ERROR Client failed 3"}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Fatalf("lines = %q, want %q", lines, want)
	}
}

func TestUnknownNodesFromWhatsAppAreLoggedAtWarnWithTheirTag(t *testing.T) {
	var lines []string
	root := &bridgeLogger{min: levelInfo, emit: func(level logLevel, module, message string) {
		lines = append(lines, level.String()+" "+module+" "+message)
	}}
	client := root.Sub("Client")
	client.Debugf("Unhandled notification with type %s", "companion_reg_refresh")
	client.Debugf("Didn't handle WhatsApp node %s", "odd\nline")
	client.Debugf("Unhandled notification with type %s and more", "x")
	want := []string{
		`WARN Client WhatsApp sent a notification the bridge does not understand: type "companion_reg_refresh"`,
		`WARN Client WhatsApp sent a node the bridge does not understand: tag "odd\nline"`,
	}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Fatalf("lines = %q, want %q", lines, want)
	}
}

func TestRawFramesAreNotForwardedEvenAtDebug(t *testing.T) {
	var lines []string
	root := &bridgeLogger{min: levelDebug, emit: func(_ logLevel, module, message string) {
		lines = append(lines, module+" "+message)
	}}
	root.Sub("Client").Sub("Send").Debugf("<iq>keys</iq>")
	root.Sub("Client").Debugf("dialing")
	if want := []string{"Client dialing"}; fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Fatalf("lines = %q, want %q", lines, want)
	}
}

func TestConnectErrorsAreNamedByKind(t *testing.T) {
	cases := map[string]error{
		"DNS lookup failed: ":  &net.DNSError{Err: "no such host", Name: "web.whatsapp.com", IsNotFound: true},
		"timed out: ":          context.DeadlineExceeded,
		"connection failed: ":  errors.New("something else"),
		"WhatsApp handshake f": errors.New("noise handshake failed: EOF"),
	}
	for prefix, err := range cases {
		if got := describeConnectError(err); !strings.HasPrefix(got, prefix) {
			t.Fatalf("describeConnectError(%v) = %q, want prefix %q", err, got, prefix)
		}
	}
}
