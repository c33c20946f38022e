package main

import (
	"context"
	"encoding/json"

	"go.mau.fi/whatsmeow/store"
)

// openStore answers wb_open_store: it checks the configuration, opens the device database and starts the keeper of
// the client version. The database is opened outside the registry's lock (registry.go); meanwhile the store is
// "opening": a second opening is refused, and calls that need the store find it not open.
func (b *Bridge) openStore(configJSON string) (result, error) {
	var cfg storeConfig
	if err := json.Unmarshal([]byte(configJSON), &cfg); err != nil {
		return nil, failure(codeBadArgument, "store config is not valid JSON: %w", err)
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
	if err = b.registry.beginOpen(); err != nil {
		return nil, err
	}
	opened, err := b.openDevices(cfg, level)
	b.registry.finishOpen(opened)
	if err != nil {
		return nil, err
	}
	opened.versions.start()
	return nil, nil
}

// openDevices does the slow part of openStore; only one runs at a time (the store is "opening").
func (b *Bridge) openDevices(cfg storeConfig, level logLevel) (*openStore, error) {
	if err := trustRootKey(cfg.TestServerRootKey); err != nil {
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
	devices, err := openDeviceStore(context.Background(), cfg, b.logger(storeHandle, 0, "Store", level))
	if err != nil {
		return nil, err
	}
	return &openStore{devices: devices, config: cfg, level: level, versions: versions}, nil
}

// announceVersion tells the JVM which client version is in use (health details, info metric).
func (b *Bridge) announceVersion(version store.WAVersionContainer, source, previous string) {
	b.emit(storeHandle, 0, "client_version", result{"version": version.String(), "source": source,
		"previous": previous})
}

// closeStore answers wb_close_store: it disconnects and forgets every client, waits for the calls still running
// SQL, then closes the database. Nothing is locked meanwhile; the store is "closing", so no client is created.
func (b *Bridge) closeStore() (result, error) {
	opened, clients := b.registry.beginClose()
	if opened == nil {
		return nil, nil
	}
	for _, client := range clients {
		client.close()
	}
	opened.users.Wait()
	err := opened.devices.close()
	b.registry.finishClose(clients)
	return nil, withCode(codeStoreFailure, err)
}

// versionKeeperOrFail is the keeper of the open store's client version.
func (b *Bridge) versionKeeperOrFail() (*versionKeeper, error) {
	opened, err := b.registry.openedStore()
	if err != nil {
		return nil, err
	}
	return opened.versions, nil
}
