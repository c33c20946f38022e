package main

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"path/filepath"

	_ "github.com/lib/pq"
	_ "github.com/mattn/go-sqlite3"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"
)

// storeConfig is the JSON given to wb_open_store.
type storeConfig struct {
	SqlitePath  string `json:"sqlitePath"`
	PostgresDsn string `json:"postgresDsn"`
	LogLevel    string `json:"logLevel"`
	// Proxy is an http(s):// or socks5:// URL every client's connections go through; empty for none.
	Proxy string `json:"proxy"`
	// WebsocketURL replaces WhatsApp's websocket address (tests, a local fake server); empty for WhatsApp's.
	WebsocketURL string `json:"websocketUrl"`
	// TestServerRootKey is the base64 public key that signs a stand-in server's certificates, trusted instead of
	// WhatsApp's own root key; empty for WhatsApp's.
	TestServerRootKey string `json:"testServerRootKey"`
	// ClientVersion pins the WhatsApp Web version the clients announce (2.3000.x); empty to follow WhatsApp's.
	ClientVersion string `json:"clientVersion"`
}

// deviceStore is whatsmeow's SQL device store plus our table that says which number owns which device.
type deviceStore struct {
	db        *sql.DB
	container *sqlstore.Container
}

// numberDevice is one row of our mapping: the backend's number and the WhatsApp device linked for it.
type numberDevice struct {
	NumberID    int64  `json:"numberId"`
	PhoneNumber string `json:"phoneNumber"`
	JID         string `json:"jid"`
}

const createMappingTable = `CREATE TABLE IF NOT EXISTS wabridge_number_device (
	number_id    BIGINT PRIMARY KEY,
	phone_number TEXT NOT NULL,
	jid          TEXT NOT NULL
)`

func openDeviceStore(ctx context.Context, cfg storeConfig, log waLog.Logger) (*deviceStore, error) {
	dialect, address, err := databaseAddress(cfg)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(dialect, address)
	if err != nil {
		return nil, failure(codeStoreFailure, "opening the %s device store: %w", dialect, err)
	}
	container := sqlstore.NewWithDB(db, dialect, log)
	if err = container.Upgrade(ctx); err != nil {
		_ = db.Close()
		return nil, failure(codeStoreFailure, "preparing the %s device store: %w", dialect, err)
	}
	if _, err = db.ExecContext(ctx, createMappingTable); err != nil {
		_ = db.Close()
		return nil, failure(codeStoreFailure, "creating the number/device table: %w", err)
	}
	return &deviceStore{db: db, container: container}, nil
}

// databaseAddress picks PostgreSQL when a DSN is given, else the SQLite file, which it creates with mode 0600:
// it holds the linked devices' private keys.
func databaseAddress(cfg storeConfig) (dialect, address string, err error) {
	if cfg.PostgresDsn != "" {
		return "postgres", cfg.PostgresDsn, nil
	}
	if cfg.SqlitePath == "" {
		return "", "", failure(codeBadArgument, "neither sqlitePath nor postgresDsn is set")
	}
	if err = createPrivateFile(cfg.SqlitePath); err != nil {
		return "", "", err
	}
	// SQLite gives its -wal and -shm files the mode of the database file, so they stay private too.
	query := url.Values{}
	query.Set("_foreign_keys", "on")
	query.Set("_journal_mode", "WAL")
	query.Set("_busy_timeout", "5000")
	return "sqlite3", "file:" + cfg.SqlitePath + "?" + query.Encode(), nil
}

func createPrivateFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return failure(codeStoreFailure, "creating the directory of the device store: %w", err)
	}
	file, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return failure(codeStoreFailure, "creating the device store file: %w", err)
	}
	_ = file.Close()
	// A file that existed before keeps its mode on open: tighten it.
	if err = os.Chmod(path, 0o600); err != nil {
		return failure(codeStoreFailure, "restricting the device store file to its owner: %w", err)
	}
	return nil
}

func (s *deviceStore) close() error {
	if err := s.container.Close(); err != nil {
		return failure(codeStoreFailure, "closing the device store: %w", err)
	}
	return nil
}

// deviceFor returns the stored device of the number, or a new unpaired one when it has none. A mapping whose
// device is gone (whatsmeow deletes devices that were logged out) is removed on the way.
func (s *deviceStore) deviceFor(ctx context.Context, numberID int64) (*store.Device, error) {
	mapping, found, err := s.mapping(ctx, numberID)
	if err != nil {
		return nil, err
	}
	if found {
		device, err := s.storedDevice(ctx, mapping)
		if err != nil || device != nil {
			return device, err
		}
		if err = s.deleteMapping(ctx, numberID); err != nil {
			return nil, err
		}
	}
	return s.container.NewDevice(), nil
}

func (s *deviceStore) storedDevice(ctx context.Context, mapping numberDevice) (*store.Device, error) {
	jid, err := types.ParseJID(mapping.JID)
	if err != nil {
		return nil, failure(codeStoreFailure, "stored JID %q of number %d: %w", mapping.JID, mapping.NumberID, err)
	}
	device, err := s.container.GetDevice(ctx, jid)
	if err != nil {
		return nil, failure(codeStoreFailure, "loading the device of number %d: %w", mapping.NumberID, err)
	}
	return device, nil
}

func (s *deviceStore) mapping(ctx context.Context, numberID int64) (numberDevice, bool, error) {
	row := numberDevice{NumberID: numberID}
	err := s.db.QueryRowContext(ctx,
		"SELECT phone_number, jid FROM wabridge_number_device WHERE number_id = $1", numberID).
		Scan(&row.PhoneNumber, &row.JID)
	if errors.Is(err, sql.ErrNoRows) {
		return row, false, nil
	}
	if err != nil {
		return row, false, failure(codeStoreFailure, "reading the device of number %d: %w", numberID, err)
	}
	return row, true, nil
}

func (s *deviceStore) saveMapping(ctx context.Context, row numberDevice) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO wabridge_number_device (number_id, phone_number, jid)
		VALUES ($1, $2, $3)
		ON CONFLICT (number_id) DO UPDATE SET phone_number = excluded.phone_number, jid = excluded.jid`,
		row.NumberID, row.PhoneNumber, row.JID)
	if err != nil {
		return failure(codeStoreFailure, "saving the device of number %d: %w", row.NumberID, err)
	}
	return nil
}

func (s *deviceStore) deleteMapping(ctx context.Context, numberID int64) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM wabridge_number_device WHERE number_id = $1", numberID); err != nil {
		return failure(codeStoreFailure, "forgetting the device of number %d: %w", numberID, err)
	}
	return nil
}

// devices lists the numbers whose device is still in whatsmeow's store; stale mappings are dropped.
func (s *deviceStore) devices(ctx context.Context) ([]numberDevice, error) {
	rows, err := s.db.QueryContext(ctx,
		"SELECT number_id, phone_number, jid FROM wabridge_number_device ORDER BY number_id")
	if err != nil {
		return nil, failure(codeStoreFailure, "listing stored devices: %w", err)
	}
	var mappings []numberDevice
	for rows.Next() {
		var row numberDevice
		if err = rows.Scan(&row.NumberID, &row.PhoneNumber, &row.JID); err != nil {
			_ = rows.Close()
			return nil, failure(codeStoreFailure, "listing stored devices: %w", err)
		}
		mappings = append(mappings, row)
	}
	_ = rows.Close()
	if err = rows.Err(); err != nil {
		return nil, failure(codeStoreFailure, "listing stored devices: %w", err)
	}
	live := make([]numberDevice, 0, len(mappings))
	for _, mapping := range mappings {
		device, err := s.storedDevice(ctx, mapping)
		if err != nil {
			return nil, err
		}
		if device == nil {
			if err = s.deleteMapping(ctx, mapping.NumberID); err != nil {
				return nil, err
			}
			continue
		}
		live = append(live, mapping)
	}
	return live, nil
}

// forget deletes the number's device (locally: unlinking needs a connection) and its mapping.
func (s *deviceStore) forget(ctx context.Context, numberID int64) (bool, error) {
	mapping, found, err := s.mapping(ctx, numberID)
	if err != nil || !found {
		return false, err
	}
	device, err := s.storedDevice(ctx, mapping)
	if err != nil {
		return false, err
	}
	if device != nil {
		if err = device.Delete(ctx); err != nil {
			return false, failure(codeStoreFailure, "deleting the device of number %d: %w", numberID, err)
		}
	}
	return true, s.deleteMapping(ctx, numberID)
}
