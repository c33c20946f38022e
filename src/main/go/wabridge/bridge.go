package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.mau.fi/whatsmeow/store"
)

const (
	bridgeVersion = "0.1.0"
	// queueCapacity bounds the events waiting for the JVM; see eventQueue.
	queueCapacity = 10_000
	// queueFullWait is how long a state event may wait for room in a full queue before it is dropped.
	queueFullWait = 2 * time.Second
	// storeHandle is the handle of events that belong to no client (the store's own log lines).
	storeHandle = 0
)

// result is the JSON object a bridge call answers with; "ok" is added by call.
type result map[string]any

// Bridge is everything the exported functions act on. The library has one (see exports.go); tests make their own.
type Bridge struct {
	queue *eventQueue

	mu      sync.Mutex
	store   *deviceStore
	config  storeConfig
	level   logLevel
	clients map[int64]*bridgeClient
	// versions decides the client version every client announces; set while the store is open.
	versions *versionKeeper

	nextHandle atomic.Int64
}

func newBridge() *Bridge {
	return &Bridge{
		queue:   newEventQueue(queueCapacity, queueFullWait),
		clients: make(map[int64]*bridgeClient),
	}
}

// call runs one bridge operation and answers with JSON: {"ok":true,...} or {"ok":false,"error":"..."}.
// A panic becomes an error answer: it must never unwind into the JVM, which would die of it.
func (b *Bridge) call(operation string, fn func() (result, error)) (answer []byte) {
	defer func() {
		if recovered := recover(); recovered != nil {
			b.emitLog(storeHandle, 0, levelError, "wabridge",
				fmt.Sprintf("panic in %s: %v\n%s", operation, recovered, debug.Stack()))
			answer = errorAnswer(fmt.Sprintf("panic: %v", recovered))
		}
	}()
	res, err := fn()
	if err != nil {
		return errorAnswer(err.Error())
	}
	if res == nil {
		res = result{}
	}
	res["ok"] = true
	encoded, err := json.Marshal(res)
	if err != nil {
		return errorAnswer("encoding the answer of " + operation + ": " + err.Error())
	}
	return encoded
}

func errorAnswer(message string) []byte {
	encoded, _ := json.Marshal(result{"ok": false, "error": message})
	return encoded
}

// whatsmeowVersion is read once: the build info does not change while the library is loaded.
var whatsmeowVersion = sync.OnceValue(func() string { return moduleVersion("go.mau.fi/whatsmeow") })

func (b *Bridge) version() (result, error) {
	answer := result{"bridge": bridgeVersion, "whatsmeow": whatsmeowVersion(), "go": runtime.Version()}
	if versions := b.versionKeeper(); versions != nil {
		for key, value := range versions.describe() {
			answer[key] = value
		}
	} else {
		answer["clientVersion"], answer["clientVersionSource"] = store.GetWAVersion().String(), versionBuiltIn
	}
	return answer, nil
}

func (b *Bridge) versionKeeper() *versionKeeper {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.versions
}

func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if ok {
		for _, dep := range info.Deps {
			if dep.Path == path {
				return dep.Version
			}
		}
	}
	return "unknown"
}

func (b *Bridge) stats() (result, error) {
	var memory runtime.MemStats
	runtime.ReadMemStats(&memory)
	b.mu.Lock()
	clients := len(b.clients)
	b.mu.Unlock()
	return result{
		"goroutines":     runtime.NumGoroutine(),
		"clients":        clients,
		"heapAllocBytes": memory.HeapAlloc,
		"queuedEvents":   b.queue.length(),
		"droppedLogs":    b.queue.droppedLogs.Load(),
		"droppedEvents":  b.queue.droppedEvents.Load(),
	}, nil
}

func (b *Bridge) openStore(configJSON string) (result, error) {
	var cfg storeConfig
	if err := json.Unmarshal([]byte(configJSON), &cfg); err != nil {
		return nil, fmt.Errorf("store config is not valid JSON: %w", err)
	}
	level, err := parseLogLevel(cfg.LogLevel)
	if err != nil {
		return nil, err
	}
	if err = validateProxy(cfg.Proxy); err != nil {
		return nil, err
	}
	if cfg.WebsocketURL != "" {
		if _, err = redirectingHTTPClient(cfg.WebsocketURL); err != nil {
			return nil, err
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.store != nil {
		return nil, errors.New("the store is already open")
	}
	if err = trustRootKey(cfg.TestServerRootKey); err != nil {
		return nil, err
	}
	httpClient, err := versionHTTPClient(cfg)
	if err != nil {
		return nil, err
	}
	versions, err := newVersionKeeper(cfg.ClientVersion, httpClient, b.announceVersion, func(level logLevel, message string) {
		b.emitLog(storeHandle, 0, level, "wabridge", message)
	})
	if err != nil {
		return nil, err
	}
	b.level = level
	deviceStore, err := openDeviceStore(context.Background(), cfg, b.logger(storeHandle, 0, "Store"))
	if err != nil {
		return nil, err
	}
	b.store, b.config, b.versions = deviceStore, cfg, versions
	versions.start()
	return nil, nil
}

// announceVersion tells the JVM which client version is in use (health details, info metric).
func (b *Bridge) announceVersion(version store.WAVersionContainer, source, previous string) {
	b.emit(storeHandle, 0, "client_version", result{"version": version.String(), "source": source,
		"previous": previous})
}

// closeStore disconnects and forgets every client, then closes the database.
func (b *Bridge) closeStore() (result, error) {
	b.mu.Lock()
	clients := make([]*bridgeClient, 0, len(b.clients))
	for _, client := range b.clients {
		clients = append(clients, client)
	}
	b.mu.Unlock()
	for _, client := range clients {
		b.destroyClient(client)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.store == nil {
		return nil, nil
	}
	err := b.store.close()
	b.store, b.versions = nil, nil
	return nil, err
}

// clientSpec is the JSON given to wb_client_create.
type clientSpec struct {
	NumberID    int64  `json:"numberId"`
	PhoneNumber string `json:"phoneNumber"`
}

var phoneNumberShape = regexp.MustCompile(`^\+?[0-9]{8,15}$`)

func (b *Bridge) createClient(specJSON string) (result, error) {
	var spec clientSpec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		return nil, fmt.Errorf("client spec is not valid JSON: %w", err)
	}
	if spec.NumberID <= 0 {
		return nil, fmt.Errorf("numberId must be a positive integer, was %d", spec.NumberID)
	}
	if !phoneNumberShape.MatchString(spec.PhoneNumber) {
		return nil, fmt.Errorf("phoneNumber must be an optional + and 8 to 15 digits, was %q", spec.PhoneNumber)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.store == nil {
		return nil, errors.New("the store is not open")
	}
	for _, open := range b.clients {
		if open.numberID == spec.NumberID {
			return nil, fmt.Errorf("number %d already has an open client (handle %d)", spec.NumberID, open.handle)
		}
	}
	device, err := b.store.deviceFor(context.Background(), spec.NumberID)
	if err != nil {
		return nil, err
	}
	handle := b.nextHandle.Add(1)
	client, err := newBridgeClient(b, handle, spec, device)
	if err != nil {
		return nil, err
	}
	b.clients[handle] = client
	jid := ""
	if device.ID != nil {
		jid = device.ID.String()
	}
	return result{"handle": handle, "paired": device.ID != nil, "jid": jid}, nil
}

func (b *Bridge) client(handle int64) (*bridgeClient, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	client, ok := b.clients[handle]
	if !ok {
		return nil, fmt.Errorf("no client with handle %d", handle)
	}
	return client, nil
}

// withClient runs fn on the client of the handle.
func (b *Bridge) withClient(handle int64, fn func(*bridgeClient) (result, error)) (result, error) {
	client, err := b.client(handle)
	if err != nil {
		return nil, err
	}
	return fn(client)
}

func (b *Bridge) destroy(handle int64) (result, error) {
	client, err := b.client(handle)
	if err != nil {
		return nil, err
	}
	b.destroyClient(client)
	return nil, nil
}

func (b *Bridge) destroyClient(client *bridgeClient) {
	client.close()
	b.mu.Lock()
	delete(b.clients, client.handle)
	b.mu.Unlock()
}

func (b *Bridge) openStoreOrFail() (*deviceStore, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.store == nil {
		return nil, errors.New("the store is not open")
	}
	return b.store, nil
}

func (b *Bridge) versionKeeperOrFail() (*versionKeeper, error) {
	if versions := b.versionKeeper(); versions != nil {
		return versions, nil
	}
	return nil, errors.New("the store is not open")
}

func (b *Bridge) devices() (result, error) {
	store, err := b.openStoreOrFail()
	if err != nil {
		return nil, err
	}
	devices, err := store.devices(context.Background())
	if err != nil {
		return nil, err
	}
	return result{"devices": devices}, nil
}

func (b *Bridge) deleteDevice(numberID int64) (result, error) {
	store, err := b.openStoreOrFail()
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	for _, open := range b.clients {
		if open.numberID == numberID {
			b.mu.Unlock()
			return nil, fmt.Errorf("number %d has an open client (handle %d): log it out instead", numberID, open.handle)
		}
	}
	b.mu.Unlock()
	deleted, err := store.forget(context.Background(), numberID)
	if err != nil {
		return nil, err
	}
	return result{"deleted": deleted}, nil
}

// emit queues one event for the JVM.
func (b *Bridge) emit(handle, numberID int64, eventType string, fields result) {
	event := result{"handle": handle, "numberId": numberID, "type": eventType}
	for key, value := range fields {
		event[key] = value
	}
	encoded, err := json.Marshal(event)
	if err != nil {
		encoded, _ = json.Marshal(result{"handle": handle, "numberId": numberID, "type": "unhandled",
			"kind": "unencodable " + eventType})
	}
	b.queue.push(encoded, eventType == "log")
}

func (b *Bridge) emitLog(handle, numberID int64, level logLevel, module, message string) {
	b.emit(handle, numberID, "log", result{"level": level.String(), "module": module, "message": message})
}

func (b *Bridge) logger(handle, numberID int64, module string) *bridgeLogger {
	return &bridgeLogger{
		emit: func(level logLevel, module, message string) {
			b.emitLog(handle, numberID, level, module, message)
		},
		module: module,
		min:    b.level,
	}
}
