package main

import (
	"sync"
)

// storePhase is where the device store is in its life. Opening and closing take a while (SQL, disconnecting every
// client), and the registry's lock is not held meanwhile, so the in-between phases say "busy" to other calls.
type storePhase int

const (
	storeClosed storePhase = iota
	storeOpening
	storeOpen
	storeClosing
)

// reserved marks a number in registry.numbers while a call works on it without a live handle: a create that reads
// the number's device, a deletion of its device, a destroy that is disconnecting its client.
const reserved int64 = 0

// openStore is what an opened store brings: the database, the settings every client is made with, and the keeper
// of the client version. It does not change while open, so a call may keep the pointer and read it without a lock.
type openStore struct {
	devices  *deviceStore
	config   storeConfig
	level    logLevel
	versions *versionKeeper
	// users counts the calls running SQL on devices; closing waits for them before it closes the database.
	users sync.WaitGroup
}

// registry is the bridge's shared state: the store's phase, the clients by handle, and which number is taken.
//
// Locking rule: mu guards these fields only, and is never held across I/O (SQL, network, disconnecting a client).
// A call that needs I/O takes what it needs under mu (a reservation of the number, a use of the store), lets go,
// does the I/O, then takes mu again to record the outcome. Each client guards its own connection state with its
// own lock (bridgeClient.mu); no code path holds both locks.
type registry struct {
	mu    sync.Mutex
	phase storePhase
	store *openStore
	// clients holds the live clients by handle.
	clients map[int64]*bridgeClient
	// numbers holds the handle of each number's client, or reserved: at most one client per number, and nobody
	// deletes the device of a number that has one.
	numbers map[int64]int64
}

func newRegistry() *registry {
	return &registry{clients: make(map[int64]*bridgeClient), numbers: make(map[int64]int64)}
}

// beginOpen moves a closed store to opening; the caller then opens the database without the lock.
func (r *registry) beginOpen() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.phase != storeClosed {
		return failure(codeStoreAlreadyOpen, "the store is already open")
	}
	r.phase = storeOpening
	return nil
}

// finishOpen publishes the opened store (opened != nil) or gives up the opening.
func (r *registry) finishOpen(opened *openStore) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if opened == nil {
		r.phase = storeClosed
		return
	}
	r.store, r.phase = opened, storeOpen
}

// beginClose moves an open store to closing and takes every client out of the registry; their numbers stay
// reserved until finishClose. It answers nil when there is no open store.
func (r *registry) beginClose() (*openStore, []*bridgeClient) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.phase != storeOpen {
		return nil, nil
	}
	r.phase = storeClosing
	clients := make([]*bridgeClient, 0, len(r.clients))
	for handle, client := range r.clients {
		clients = append(clients, client)
		delete(r.clients, handle)
		r.numbers[client.numberID] = reserved
	}
	return r.store, clients
}

// finishClose forgets the closed store and frees the numbers of the clients beginClose took.
func (r *registry) finishClose(clients []*bridgeClient) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, client := range clients {
		delete(r.numbers, client.numberID)
	}
	r.store, r.phase = nil, storeClosed
}

// openedStore returns the open store without using its database (settings, version keeper).
func (r *registry) openedStore() (*openStore, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.phase != storeOpen {
		return nil, storeNotOpen()
	}
	return r.store, nil
}

// useStore returns the open store for a call that runs SQL on it; the call must run done() when it is through,
// and closing the store waits for it.
func (r *registry) useStore() (opened *openStore, done func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.phase != storeOpen {
		return nil, nil, storeNotOpen()
	}
	r.store.users.Add(1)
	return r.store, r.store.users.Done, nil
}

// reserve takes a free number for a call that creates its client or deletes its device, and the store for its SQL.
// The caller ends with register (a create that succeeded) or release, then done().
func (r *registry) reserve(numberID int64) (opened *openStore, done func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.phase != storeOpen {
		return nil, nil, storeNotOpen()
	}
	if handle, taken := r.numbers[numberID]; taken {
		return nil, nil, numberInUse(numberID, handle)
	}
	r.numbers[numberID] = reserved
	r.store.users.Add(1)
	return r.store, r.store.users.Done, nil
}

// register makes a reserved number's new client live. A store that began closing meanwhile refuses it: its
// caller must close the client, which nobody else will.
func (r *registry) register(client *bridgeClient) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.phase != storeOpen {
		return storeNotOpen()
	}
	r.clients[client.handle] = client
	r.numbers[client.numberID] = client.handle
	return nil
}

// release frees a reserved number.
func (r *registry) release(numberID int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.numbers[numberID] == reserved {
		delete(r.numbers, numberID)
	}
}

// client finds a live client.
func (r *registry) client(handle int64) (*bridgeClient, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.clientLocked(handle)
}

// take removes a live client for its destruction; its number stays reserved until release, so that no new client
// of the number connects while the old one is still disconnecting.
func (r *registry) take(handle int64) (*bridgeClient, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	client, err := r.clientLocked(handle)
	if err == nil {
		delete(r.clients, handle)
		r.numbers[client.numberID] = reserved
	}
	return client, err
}

func (r *registry) clientLocked(handle int64) (*bridgeClient, error) {
	if client, ok := r.clients[handle]; ok {
		return client, nil
	}
	return nil, failure(codeUnknownClient, "no client with handle %d", handle)
}

func (r *registry) clientCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.clients)
}

func storeNotOpen() error {
	return failure(codeStoreNotOpen, "the store is not open")
}

func numberInUse(numberID, handle int64) error {
	if handle == reserved {
		return failure(codeNumberInUse, "number %d is being worked on by another call (creating its client, "+
			"deleting its device or destroying its client)", numberID)
	}
	return failure(codeNumberInUse, "number %d already has an open client (handle %d)", numberID, handle)
}
