package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
)

// builtInVersion is whatsmeow's own client version.
var builtInVersion = whatsmeowBuiltInVersion

// webWhatsApp serves what GetLatestVersion scrapes from web.whatsapp.com, and counts the requests.
type webWhatsApp struct {
	server   *httptest.Server
	revision atomic.Int64
	requests atomic.Int64
	fail     atomic.Bool
}

func newWebWhatsApp(t *testing.T, revision int64) *webWhatsApp {
	t.Helper()
	web := &webWhatsApp{}
	web.revision.Store(revision)
	web.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.requests.Add(1)
		if web.fail.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		_, _ = fmt.Fprintf(w, `<script>self.__swData={"client_revision":%d,"other":1}</script>`, web.revision.Load())
	}))
	t.Cleanup(web.server.Close)
	t.Cleanup(func() { store.SetWAVersion(builtInVersion) })
	return web
}

func (w *webWhatsApp) websocketURL() string {
	return strings.Replace(w.server.URL, "http", "ws", 1)
}

// keeperOf is the version keeper of a test's open store.
func keeperOf(t *testing.T, b *Bridge) *versionKeeper {
	t.Helper()
	versions, err := b.versionKeeperOrFail()
	if err != nil {
		t.Fatal(err)
	}
	return versions
}

// versionOf reads the client version the bridge reports once its start-up fetch is over.
func versionOf(t *testing.T, b *Bridge) map[string]any {
	t.Helper()
	versions := keeperOf(t, b)
	select {
	case <-versions.ready:
	case <-time.After(15 * time.Second):
		t.Fatal("the start-up version fetch did not finish")
	}
	return mustOK(t, b.call("version", b.version))
}

func TestAtStartTheBridgeUsesWhatsAppWebsCurrentVersion(t *testing.T) {
	newer := int64(builtInVersion[2]) + 1000
	web := newWebWhatsApp(t, newer)
	b, _ := openBridge(t, map[string]string{"websocketUrl": web.websocketURL(), "clientVersion": ""})
	got := versionOf(t, b)
	want := fmt.Sprintf("2.3000.%d", newer)
	if got["clientVersion"] != want || got["clientVersionSource"] != versionFetched {
		t.Fatalf("version = %v, want %s fetched", got, want)
	}
	if store.GetWAVersion().String() != want {
		t.Fatalf("whatsmeow announces %s", store.GetWAVersion())
	}
	event := nextEvent(t, b, time.Second)
	if event["type"] != "client_version" || event["version"] != want || event["previous"] != builtInVersion.String() {
		t.Fatalf("event = %v", event)
	}
}

func TestWhenTheFetchFailsTheBuiltInVersionStays(t *testing.T) {
	web := newWebWhatsApp(t, 1)
	web.fail.Store(true)
	b, _ := openBridge(t, map[string]string{"websocketUrl": web.websocketURL(), "clientVersion": ""})
	got := versionOf(t, b)
	if got["clientVersion"] != builtInVersion.String() || got["clientVersionSource"] != versionBuiltIn {
		t.Fatalf("version = %v", got)
	}
}

func TestAnOlderAnswerNeverReplacesANewerVersion(t *testing.T) {
	web := newWebWhatsApp(t, int64(builtInVersion[2])-5)
	b, _ := openBridge(t, map[string]string{"websocketUrl": web.websocketURL(), "clientVersion": ""})
	if got := versionOf(t, b); got["clientVersion"] != builtInVersion.String() {
		t.Fatalf("version = %v", got)
	}
}

func TestTheOperatorsVersionIsUsedAndNeverFetched(t *testing.T) {
	web := newWebWhatsApp(t, int64(builtInVersion[2])+1000)
	b, _ := openBridge(t, map[string]string{"websocketUrl": web.websocketURL(), "clientVersion": "2.3000.1000000001"})
	got := versionOf(t, b)
	if got["clientVersion"] != "2.3000.1000000001" || got["clientVersionSource"] != versionOverride {
		t.Fatalf("version = %v", got)
	}
	newer, err := keeperOf(t, b).newerThan(keeperOf(t, b).version())
	if newer || err == nil || !strings.Contains(err.Error(), "whatsapp.whatsmeow.client-version") {
		t.Fatalf("newerThan = %v, %v", newer, err)
	}
	if web.requests.Load() != 0 {
		t.Fatalf("web.whatsapp.com was asked %d times", web.requests.Load())
	}
}

func TestEachOpeningStartsFromTheBuiltInVersion(t *testing.T) {
	web := newWebWhatsApp(t, int64(builtInVersion[2])+1000)
	first, _ := openBridge(t, map[string]string{"websocketUrl": web.websocketURL(), "clientVersion": ""})
	versionOf(t, first)
	mustOK(t, first.call("close", first.closeStore))
	web.fail.Store(true)
	second, _ := openBridge(t, map[string]string{"websocketUrl": web.websocketURL(), "clientVersion": ""})
	if got := versionOf(t, second); got["clientVersion"] != builtInVersion.String() ||
		got["clientVersionSource"] != versionBuiltIn {
		t.Fatalf("version = %v", got)
	}
}

func TestABadOverrideIsRefused(t *testing.T) {
	b := newBridge()
	mustFail(t, b.call("open", func() (result, error) {
		return b.openStore(`{"sqlitePath":"` + t.TempDir() + `/s.db","clientVersion":"2.x"}`)
	}), codeBadArgument, "is not a version like")
}

func TestAfterA405ANewerVersionIsFetchedOnceForEveryoneWaiting(t *testing.T) {
	web := newWebWhatsApp(t, int64(builtInVersion[2]))
	b, _ := openBridge(t, map[string]string{"websocketUrl": web.websocketURL(), "clientVersion": ""})
	versionOf(t, b)
	before := web.requests.Load()
	web.revision.Store(int64(builtInVersion[2]) + 7)
	results := make(chan bool, 5)
	versions := keeperOf(t, b)
	for range 5 {
		go func() {
			newer, err := versions.newerThan(builtInVersion)
			results <- newer && err == nil
		}()
	}
	for range 5 {
		if !<-results {
			t.Fatal("a caller did not learn of the newer version")
		}
	}
	if asked := web.requests.Load() - before; asked < 1 || asked > 5 {
		t.Fatalf("asked %d times", asked)
	}
	if want := fmt.Sprintf("2.3000.%d", int64(builtInVersion[2])+7); keeperOf(t, b).version().String() != want {
		t.Fatalf("version = %s, want %s", keeperOf(t, b).version(), want)
	}
	// Nothing newer than what WhatsApp Web offers: the refusal stands.
	if newer, err := keeperOf(t, b).newerThan(keeperOf(t, b).version()); newer || err != nil {
		t.Fatalf("newerThan(current) = %v, %v", newer, err)
	}
}

func TestATestServersRootKeyIsTrustedAndWhatsAppsComesBack(t *testing.T) {
	key := strings.Repeat("A", 43) + "="
	if err := trustRootKey(key); err != nil {
		t.Fatal(err)
	}
	if whatsmeow.WACertPubKey != [32]byte{} {
		t.Fatalf("root key = %x", whatsmeow.WACertPubKey)
	}
	if err := trustRootKey(""); err != nil || whatsmeow.WACertPubKey != whatsAppRootKey {
		t.Fatalf("WhatsApp's root key was not restored: %v", err)
	}
	if err := trustRootKey("c2hvcnQ="); err == nil {
		t.Fatal("a short key was accepted")
	}
}
