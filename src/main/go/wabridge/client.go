package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
)

// bridgeClient is one whatsmeow client for one backend number.
type bridgeClient struct {
	bridge      *Bridge
	handle      int64
	numberID    int64
	phoneNumber string
	wa          *whatsmeow.Client

	mu sync.Mutex
	// connecting is true while a connection attempt runs; cancelConnection ends the current connection's context.
	connecting       bool
	cancelConnection context.CancelFunc

	closed atomic.Bool
	// rejectedPhone is the account a pairing was refused for, reported once whatsmeow reports the refusal.
	rejectedPhone atomic.Value
	// announcedVersion is the client version of our last connection attempt: the one WhatsApp judges.
	announcedVersion atomic.Value
	// retriedOutdated is set once a 405 was answered by reconnecting with a newer version, and cleared when the
	// connection gets through (refs or login): one such retry per attempt, so that a server that refuses every
	// version cannot keep us in a loop.
	retriedOutdated atomic.Bool
}

// newBridgeClient makes the whatsmeow client of a number with the open store's settings; it does no I/O.
func newBridgeClient(b *Bridge, handle int64, spec clientSpec, device *store.Device, opened *openStore) (*bridgeClient, error) {
	c := &bridgeClient{bridge: b, handle: handle, numberID: spec.NumberID, phoneNumber: spec.PhoneNumber}
	c.wa = whatsmeow.NewClient(device, b.logger(handle, spec.NumberID, "Client", opened.level))
	config := opened.config
	if config.Proxy != "" {
		if err := c.wa.SetProxyAddress(config.Proxy); err != nil {
			return nil, failure(codeBadArgument, "proxy %q: %w", config.Proxy, err)
		}
	}
	if config.WebsocketURL != "" {
		httpClient, err := redirectingHTTPClient(config.WebsocketURL)
		if err != nil {
			return nil, err
		}
		c.wa.SetPreLoginHTTPClient(httpClient)
		c.wa.SetWebsocketHTTPClient(httpClient)
	}
	c.wa.PrePairCallback = c.acceptPairing
	// A validation worker reads no chats. After a pairing the phone sends the chat history (a notification per
	// batch); whatsmeow would download each from WhatsApp's media servers, inflate and parse it on a goroutine of
	// the client and hand it over as an event nobody reads. With manual download it only acknowledges the
	// notification (so the phone does not send it again) and drops it. The other caches of messages (the retry
	// store, the decrypted-event buffer, re-requests from the phone) are off by default and stay off; see
	// docs/NATIVE-BRIDGE.md ("What whatsmeow keeps per client").
	c.wa.ManualHistorySyncDownload = true
	// whatsmeow retries a dropped connection by itself. We let it make its first, immediate attempt, then report
	// a failure and stop it: the attempts and their backoff belong to the worker's session layer, which counts
	// them against whatsapp.whatsmeow.connect-attempts.
	c.wa.AutoReconnectHook = func(err error) bool {
		c.emit("connect_failed", result{"reason": describeConnectError(err)})
		return false
	}
	c.wa.AddEventHandler(c.onEvent)
	return c, nil
}

func (c *bridgeClient) emit(eventType string, fields result) {
	if c.closed.Load() {
		return
	}
	c.bridge.emit(c.handle, c.numberID, eventType, fields)
}

// connect starts a connection attempt and returns at once; the outcome arrives as events. A client that is
// already connected, or connecting (whatsmeow also reconnects by itself after a drop, and after pairing), is left
// alone: {"already":true}, and the events of the attempt in progress tell the outcome.
func (c *bridgeClient) connect() (result, error) {
	c.mu.Lock()
	if c.closed.Load() {
		c.mu.Unlock()
		return nil, failure(codeClientDestroyed, "the client is destroyed")
	}
	if c.connecting || c.wa.IsConnected() {
		c.mu.Unlock()
		return result{"already": true}, nil
	}
	if c.cancelConnection != nil {
		c.cancelConnection()
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.connecting, c.cancelConnection = true, cancel
	c.mu.Unlock()
	go c.runConnect(ctx)
	return result{"already": false}, nil
}

func (c *bridgeClient) runConnect(ctx context.Context) {
	err := c.connectRecovering(ctx)
	// The attempt is over before anyone hears of its failure: a listener may well try again at once.
	c.mu.Lock()
	c.connecting = false
	c.mu.Unlock()
	// A connection whatsmeow opened by itself meanwhile is not a failure: its own events tell how it goes.
	if err != nil && ctx.Err() == nil && !errors.Is(err, whatsmeow.ErrAlreadyConnected) {
		c.emit("connect_failed", result{"reason": describeConnectError(err)})
	}
}

// connectRecovering runs whatsmeow's connect on our own goroutine, where a panic would take the whole JVM down:
// it becomes an error instead.
func (c *bridgeClient) connectRecovering(ctx context.Context) (err error) {
	defer func() {
		if recovered := recover(); recovered != nil {
			c.bridge.emitLog(c.handle, c.numberID, levelError, "wabridge",
				fmt.Sprintf("panic while connecting: %v\n%s", recovered, debug.Stack()))
			err = fmt.Errorf("internal error: %v", recovered)
		}
	}()
	versions, err := c.bridge.versionKeeperOrFail()
	if err != nil {
		return err
	}
	if err = versions.awaitReady(ctx); err != nil {
		return err
	}
	c.announcedVersion.Store(versions.version())
	return c.wa.ConnectContext(ctx)
}

// onClientOutdated answers WhatsApp's 405: with a newer client version available the client reconnects at once
// (no pairing ref was handed out, so the number's QR budget is untouched); otherwise the worker is told.
func (c *bridgeClient) onClientOutdated() {
	refused, _ := c.announcedVersion.Load().(store.WAVersionContainer)
	versions, err := c.bridge.versionKeeperOrFail()
	newer := false
	if err == nil {
		newer, err = versions.newerThan(refused)
	}
	if newer && c.retriedOutdated.CompareAndSwap(false, true) && !c.closed.Load() {
		c.bridge.emitLog(c.handle, c.numberID, levelWarn, "wabridge", fmt.Sprintf(
			"WhatsApp refused client version %s as outdated: reconnecting with %s", refused, versions.version()))
		_, _ = c.disconnect()
		if _, err = c.connect(); err == nil {
			return
		}
	}
	reason := fmt.Sprintf("WhatsApp refused client version %s as outdated", refused)
	if err != nil {
		reason += " and no newer version could be found: " + err.Error()
	} else if !newer {
		reason += " and WhatsApp Web offers no newer one"
	} else {
		reason += " again after an update"
	}
	c.emit("client_outdated", result{"reason": reason})
}

// recovering runs fn on a goroutine of ours, where a panic would take the whole JVM down: it is logged instead.
func (c *bridgeClient) recovering(what string, fn func()) {
	defer func() {
		if recovered := recover(); recovered != nil {
			c.bridge.emitLog(c.handle, c.numberID, levelError, "wabridge",
				fmt.Sprintf("panic while %s: %v\n%s", what, recovered, debug.Stack()))
		}
	}()
	fn()
}

// disconnect drops the connection (or the attempt in flight) and keeps the credentials.
func (c *bridgeClient) disconnect() (result, error) {
	c.mu.Lock()
	if c.cancelConnection != nil {
		// Cancelling first makes an attempt in flight give up at once instead of holding whatsmeow's socket lock.
		c.cancelConnection()
		c.cancelConnection = nil
	}
	c.mu.Unlock()
	c.wa.Disconnect()
	return nil, nil
}

// close disconnects and silences the client for good; its credentials stay in the store.
func (c *bridgeClient) close() {
	c.closed.Store(true)
	_, _ = c.disconnect()
	c.wa.RemoveEventHandlers()
}
