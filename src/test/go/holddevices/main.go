// holddevices is the whatsmeow-alone floor of the linked-sessions benchmark (scripts/bench/restart-storm.sh): a
// plain Go program, no JVM and no bridge, that pairs N devices against the stand-in WhatsApp server
// (src/test/go/fakewa) with the same whatsmeow the worker uses, holds them connected, and reports its own resident
// memory, goroutines and idle CPU. Beside the worker's figures at the same N it shows what the worker adds.
//
//	holddevices -server 127.0.0.1:PORT -root-key BASE64 [-n 1000] [-parallel 10] [-idle 30s]
//
// It prints one JSON line of figures on stdout; progress goes to stderr.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types/events"
	waLog "go.mau.fi/whatsmeow/util/log"
)

func main() {
	server := flag.String("server", "", "host:port of the stand-in (its websocket and control API)")
	rootKey := flag.String("root-key", "", "the stand-in's root key (base64), trusted instead of WhatsApp's")
	n := flag.Int("n", 1000, "devices to pair and hold")
	parallel := flag.Int("parallel", 10, "pairings at once")
	idle := flag.Duration("idle", 30*time.Second, "how long idle CPU is measured once all are connected")
	flag.Parse()
	if *server == "" || *rootKey == "" {
		fail("-server and -root-key are required")
	}
	key, err := base64.StdEncoding.DecodeString(*rootKey)
	if err != nil || len(key) != 32 {
		fail("-root-key must be the base64 of 32 bytes")
	}
	whatsmeow.WACertPubKey = [32]byte(key) // read by each handshake: set before any client connects

	dir, err := os.MkdirTemp("", "holddevices")
	if err != nil {
		fail("temp dir: %v", err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "devices.db")+"?_foreign_keys=on&_journal_mode=WAL&_busy_timeout=10000")
	if err != nil {
		fail("store: %v", err)
	}
	ctx := context.Background()
	container := sqlstore.NewWithDB(db, "sqlite3", waLog.Noop)
	if err = container.Upgrade(ctx); err != nil {
		fail("store: %v", err)
	}

	runtime.GC()
	idleKB := status("VmRSS")
	started := time.Now()
	var connected atomic.Int64
	var clients sync.Map
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < *parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				client, err := pair(ctx, container, *server, i)
				if err != nil {
					fail("device %d: %v", i, err)
				}
				clients.Store(i, client)
				if c := connected.Add(1); c%100 == 0 {
					fmt.Fprintf(os.Stderr, "holddevices: %d connected after %s\n", c, time.Since(started).Round(time.Second))
				}
			}
		}()
	}
	for i := 1; i <= *n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	pairing := time.Since(started)

	time.Sleep(10 * time.Second) // let the logins' buffers go before measuring what holding them costs
	runtime.GC()
	heldKB := status("VmRSS")
	cpuBefore, wallBefore := cpuTime(), time.Now()
	time.Sleep(*idle)
	idleCPU := (cpuTime() - cpuBefore).Seconds() / time.Since(wallBefore).Seconds() * 100
	still := 0
	clients.Range(func(_, value any) bool {
		if value.(*whatsmeow.Client).IsLoggedIn() {
			still++
		}
		return true
	})
	out, _ := json.Marshal(map[string]any{
		"devices": *n, "stillConnected": still, "pairingSeconds": pairing.Seconds(),
		"idleRssMiB": idleKB / 1024, "heldRssMiB": heldKB / 1024, "peakRssMiB": status("VmHWM") / 1024,
		"perSessionKiB": float64(heldKB-idleKB) / float64(*n), "idleCpuPercentOfOneCore": idleCPU,
		"goroutines": runtime.NumGoroutine(), "threads": status("Threads"),
	})
	fmt.Println(string(out))
}

// pair links device i as a phone would: the client connects unpaired, the stand-in hands it QR refs, the "phone"
// scans the first through the control API, and the client logs in with its new credentials.
func pair(ctx context.Context, container *sqlstore.Container, server string, i int) (*whatsmeow.Client, error) {
	client := whatsmeow.NewClient(container.NewDevice(), waLog.Noop)
	redirect := plainWebsocketTo(server)
	client.SetPreLoginHTTPClient(redirect)
	client.SetWebsocketHTTPClient(redirect)
	qr := make(chan string, 1)
	loggedIn := make(chan struct{}, 1)
	client.AddEventHandler(func(evt any) {
		switch e := evt.(type) {
		case *events.QR:
			select {
			case qr <- e.Codes[0]:
			default:
			}
		case *events.Connected:
			select {
			case loggedIn <- struct{}{}:
			default:
			}
		}
	})
	if err := client.Connect(); err != nil {
		return nil, err
	}
	select {
	case code := <-qr:
		if err := scan(server, code, fmt.Sprintf("+22177%07d", i)); err != nil {
			return nil, err
		}
	case <-time.After(60 * time.Second):
		return nil, fmt.Errorf("no QR")
	}
	select {
	case <-loggedIn:
		return client, nil
	case <-time.After(60 * time.Second):
		return nil, fmt.Errorf("not connected after the scan")
	}
}

func scan(server, qr, phone string) error {
	body, _ := json.Marshal(map[string]string{"qr": qr, "phoneNumber": phone})
	answer, err := http.Post("http://"+server+"/control/scan", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer answer.Body.Close()
	if answer.StatusCode != http.StatusOK {
		return fmt.Errorf("scan: HTTP %d", answer.StatusCode)
	}
	return nil
}

// plainWebsocketTo sends whatsmeow's wss:// connection to the stand-in over plain TCP (it has no certificate), as
// the bridge does with whatsapp.whatsmeow.test-server.
func plainWebsocketTo(server string) *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	plain := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, server)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	transport.DialContext = plain
	transport.DialTLSContext = plain
	return &http.Client{Transport: transport}
}

// status reads a field of /proc/self/status (kB, or a plain count for Threads).
func status(field string) int64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, field+":") {
			value, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return value
		}
	}
	return -1
}

// cpuTime is the user and system CPU this process has used (from /proc/self/stat, in clock ticks of 10 ms).
func cpuTime() time.Duration {
	data, _ := os.ReadFile("/proc/self/stat")
	fields := strings.Fields(string(data)[strings.LastIndexByte(string(data), ')')+2:])
	user, _ := strconv.ParseInt(fields[11], 10, 64)
	system, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(user+system) * 10 * time.Millisecond
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "holddevices: "+format+"\n", args...)
	os.Exit(1)
}
