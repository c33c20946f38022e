package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/util/keys"
)

// Config is what the command line (or a test) chooses.
type Config struct {
	Refs             int    // refs per pair-device batch
	MinClientVersion uint32 // lowest accepted app version tertiary, 0 for none
	LatestVersion    uint32 // what GET / advertises as client_revision, 0 for whatsmeow's built-in one

	RootKey *keys.KeyPair // nil: generate one; tests share one because whatsmeow.WACertPubKey is global

	RefFirstLifetime time.Duration // lifetime of a batch's first ref (whatsmeow shows it 60 s)
	RefNextLifetime  time.Duration // lifetime added by every further ref (20 s each)
	Now              func() time.Time

	Debug bool        // log QR texts and codes
	Log   *log.Logger // nil: stderr
}

// Server is the stand-in for WhatsApp's chat server and its control API.
type Server struct {
	cfg       Config
	log       *log.Logger
	root      *keys.KeyPair
	static    *keys.KeyPair // our Noise static key, certified by the leaf
	certChain []byte
	state     *registry

	versionMu sync.Mutex
	minimum   uint32
	latest    uint32

	ctx         context.Context // cancelled by Close, parent of every connection
	cancel      context.CancelFunc
	nextID      atomic.Uint64
	nextSession atomic.Uint64
}

func NewServer(cfg Config) (*Server, error) {
	if cfg.Refs < 1 {
		return nil, fmt.Errorf("refs must be at least 1, got %d", cfg.Refs)
	}
	if cfg.RefFirstLifetime == 0 {
		cfg.RefFirstLifetime = 60 * time.Second
	}
	if cfg.RefNextLifetime == 0 {
		cfg.RefNextLifetime = 20 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = log.New(os.Stderr, "fakewa: ", log.LstdFlags|log.Lmicroseconds)
	}
	if cfg.LatestVersion == 0 {
		cfg.LatestVersion = store.GetWAVersion()[2]
	}
	root := cfg.RootKey
	if root == nil {
		root = keys.NewKeyPair()
	}
	static := keys.NewKeyPair()
	chain, err := buildCertChain(root, *static.Pub, time.Now())
	if err != nil {
		return nil, fmt.Errorf("certificate chain: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		cfg: cfg, log: cfg.Log, root: root, static: static, certChain: chain, state: newRegistry(),
		minimum: cfg.MinClientVersion, latest: cfg.LatestVersion, ctx: ctx, cancel: cancel,
	}, nil
}

// RootPublicKey is the key clients must trust (whatsmeow.WACertPubKey).
func (srv *Server) RootPublicKey() [32]byte {
	return *srv.root.Pub
}

// Handler serves the WebSocket, the version page and the control API on one port.
func (srv *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/chat", srv.serveWebSocket)
	mux.HandleFunc("GET /{$}", srv.serveVersionPage)
	srv.routeControl(mux)
	return mux
}

// Close ends every connection; the HTTP listener is the caller's.
func (srv *Server) Close() {
	srv.cancel()
	for _, s := range srv.state.allSessions() {
		s.close()
	}
}

// serveVersionPage stands in for https://web.whatsapp.com/, which whatsmeow's GetLatestVersion scrapes for
// "client_revision":N, to learn the current 2.3000.N version.
func (srv *Server) serveVersionPage(w http.ResponseWriter, _ *http.Request) {
	_, latest := srv.versions()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(w, fmt.Sprintf(`<!DOCTYPE html><html><head><title>WhatsApp</title></head><body>`+
		`<script>self.__SERVER_CONFIG={"client_revision":%d,"server_revision":%d};</script></body></html>`, latest, latest))
}

func (srv *Server) versions() (minimum, latest uint32) {
	srv.versionMu.Lock()
	defer srv.versionMu.Unlock()
	return srv.minimum, srv.latest
}

func (srv *Server) setVersions(minimum, latest uint32) {
	srv.versionMu.Lock()
	defer srv.versionMu.Unlock()
	srv.minimum, srv.latest = minimum, latest
}

// outdated reports whether a client's version is below the accepted minimum.
func (srv *Server) outdated(tertiary uint32) bool {
	minimum, _ := srv.versions()
	return minimum != 0 && tertiary < minimum
}
