package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
)

const (
	// versionFetchTimeout bounds one request for WhatsApp Web's current version.
	versionFetchTimeout = 10 * time.Second

	versionBuiltIn  = "built-in"
	versionFetched  = "fetched"
	versionOverride = "override"
)

// whatsmeowBuiltInVersion is the version whatsmeow ships with, read before anything changes it.
var whatsmeowBuiltInVersion = store.GetWAVersion()

// versionKeeper owns the WhatsApp Web client version every client announces in its handshake. WhatsApp refuses
// clients that are too old (405, "client outdated"), and the version built into whatsmeow ages with the pin: so
// at start, and again after a 405, the keeper asks web.whatsapp.com for the current version (whatsmeow's
// GetLatestVersion) and uses it. An operator override is used as it is and never replaced.
//
// whatsmeow keeps the version in package variables that its handshakes read without a lock. Clients wait for
// the first decision before they connect (ready), so the start-up change never races a handshake; a change after
// a 405 can only race another client's handshake, which then announces the old or the new version, both of which
// are valid values.
type versionKeeper struct {
	httpClient *http.Client
	announce   func(version store.WAVersionContainer, source, previous string)
	log        func(level logLevel, message string)

	ready chan struct{}

	mu       sync.Mutex
	current  store.WAVersionContainer
	source   string
	fetching *versionFetch
}

// versionFetch is one request in flight; callers that arrive meanwhile wait for its outcome instead of asking
// again (a 405 usually hits every client at once).
type versionFetch struct {
	done    chan struct{}
	version store.WAVersionContainer
	err     error
}

// newVersionKeeper decides the starting version: the override if there is one, else whatsmeow's built-in one
// until the first fetch answers.
func newVersionKeeper(override string, httpClient *http.Client, announce func(store.WAVersionContainer, string, string),
	log func(logLevel, string)) (*versionKeeper, error) {
	k := &versionKeeper{httpClient: httpClient, announce: announce, log: log, ready: make(chan struct{})}
	if override == "" {
		// Each opening of the store starts afresh: a version learnt by the previous one is not carried over.
		k.set(whatsmeowBuiltInVersion, versionBuiltIn)
		return k, nil
	}
	parsed, err := store.ParseVersion(override)
	if err != nil || parsed.IsZero() {
		return nil, failure(codeBadArgument, "clientVersion %q is not a version like 2.3000.1045649367", override)
	}
	// Not announced: the worker reads the starting version with wb_version once the store is open.
	k.set(parsed, versionOverride)
	close(k.ready)
	return k, nil
}

// start makes the first fetch in the background; clients that want to connect meanwhile wait for it (awaitReady).
func (k *versionKeeper) start() {
	if k.isOverride() {
		return
	}
	go func() {
		defer close(k.ready)
		if _, err := k.fetch(); err != nil {
			k.log(levelWarn, fmt.Sprintf("could not learn WhatsApp Web's current version (%v): using whatsmeow's "+
				"built-in %s", err, k.version()))
		}
	}()
}

// awaitReady returns once the start-up decision is made, or when ctx ends.
func (k *versionKeeper) awaitReady(ctx context.Context) error {
	select {
	case <-k.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (k *versionKeeper) version() store.WAVersionContainer {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.current
}

func (k *versionKeeper) describe() result {
	k.mu.Lock()
	defer k.mu.Unlock()
	return result{"clientVersion": k.current.String(), "clientVersionSource": k.source}
}

func (k *versionKeeper) isOverride() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.source == versionOverride
}

// newerThan answers whether a version newer than refused is available, fetching WhatsApp Web's current one when
// the keeper has nothing newer yet. It is what a client asks after WhatsApp refused the version it announced.
func (k *versionKeeper) newerThan(refused store.WAVersionContainer) (bool, error) {
	if k.isOverride() {
		return false, fmt.Errorf("the operator pinned client version %s (whatsapp.whatsmeow.client-version)", refused)
	}
	if refused.LessThan(k.version()) {
		return true, nil
	}
	latest, err := k.fetch()
	if err != nil {
		return false, err
	}
	return refused.LessThan(latest), nil
}

// fetch asks web.whatsapp.com once (joining a request already in flight) and adopts a newer answer.
func (k *versionKeeper) fetch() (store.WAVersionContainer, error) {
	k.mu.Lock()
	inFlight := k.fetching
	if inFlight == nil {
		inFlight = &versionFetch{done: make(chan struct{})}
		k.fetching = inFlight
		go k.runFetch(inFlight)
	}
	k.mu.Unlock()
	<-inFlight.done
	return inFlight.version, inFlight.err
}

func (k *versionKeeper) runFetch(f *versionFetch) {
	defer close(f.done)
	ctx, cancel := context.WithTimeout(context.Background(), versionFetchTimeout)
	defer cancel()
	latest, err := whatsmeow.GetLatestVersion(ctx, k.httpClient)
	k.mu.Lock()
	k.fetching = nil
	k.mu.Unlock()
	if err != nil {
		f.err = err
		return
	}
	f.version = *latest
	if k.version().LessThan(*latest) {
		k.use(*latest, versionFetched)
	}
}

// use switches to a version learnt while running and tells the worker.
func (k *versionKeeper) use(version store.WAVersionContainer, source string) {
	previous := k.set(version, source)
	k.announce(version, source, previous.String())
}

func (k *versionKeeper) set(version store.WAVersionContainer, source string) (previous store.WAVersionContainer) {
	k.mu.Lock()
	defer k.mu.Unlock()
	previous = k.current
	k.current, k.source = version, source
	store.SetWAVersion(version)
	return previous
}

// versionHTTPClient is how the keeper reaches web.whatsapp.com: through the test server's redirect when there is
// one, else through the configured proxy, else directly.
func versionHTTPClient(cfg storeConfig) (*http.Client, error) {
	if cfg.WebsocketURL != "" {
		return redirectingHTTPClient(cfg.WebsocketURL)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.Proxy != "" {
		proxy, err := url.Parse(cfg.Proxy)
		if err != nil {
			return nil, failure(codeBadArgument, "proxy %q: %w", cfg.Proxy, err)
		}
		transport.Proxy = http.ProxyURL(proxy)
	}
	return &http.Client{Transport: transport, Timeout: versionFetchTimeout}, nil
}
