package main

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// failedWith returns the code of a failed answer, "" for a success.
func failedWith(t *testing.T, raw []byte) string {
	t.Helper()
	decoded := answer(t, raw)
	if decoded["ok"] == true {
		return ""
	}
	return fmt.Sprint(decoded["code"])
}

func TestConcurrentCreatesOfOneNumberOpenExactlyOneClient(t *testing.T) {
	b, _ := openBridge(t, nil)
	const callers = 16
	codes := make(chan string, callers)
	var start sync.WaitGroup
	start.Add(1)
	for range callers {
		go func() {
			start.Wait()
			codes <- failedWith(t, b.call("create", func() (result, error) {
				return b.createClient(`{"numberId":6,"phoneNumber":"+221771234567"}`)
			}))
		}()
	}
	start.Done()
	created := 0
	for range callers {
		switch code := <-codes; code {
		case "":
			created++
		case string(codeNumberInUse):
		default:
			t.Fatalf("a concurrent create failed with %s", code)
		}
	}
	if created != 1 || b.registry.clientCount() != 1 {
		t.Fatalf("%d creates succeeded, %d clients live; want exactly one", created, b.registry.clientCount())
	}
}

// Creates, destroys, deletions and listings of several numbers run while the store closes: every call either
// succeeds or fails with a code that says why, and nothing is left behind. Run with -race (the build does).
func TestCallsRacingACloseLeaveNothingBehind(t *testing.T) {
	b, _ := openBridge(t, nil)
	allowed := map[string]bool{"": true, string(codeStoreNotOpen): true, string(codeNumberInUse): true,
		string(codeUnknownClient): true}
	var callers sync.WaitGroup
	var created atomic.Int64
	unexpected := make(chan string, 100)
	for number := int64(1); number <= 4; number++ {
		callers.Add(1)
		go func() {
			defer callers.Done()
			spec := fmt.Sprintf(`{"numberId":%d,"phoneNumber":"+22177123456%d"}`, number, number)
			// Until the closed store turns the creates away (it is never opened again).
			for range 100_000 {
				raw := b.call("create", func() (result, error) { return b.createClient(spec) })
				codes := []string{failedWith(t, raw)}
				if codes[0] == string(codeStoreNotOpen) {
					return
				}
				if codes[0] == "" {
					created.Add(1)
					handle := int64(answer(t, raw)["handle"].(float64))
					codes = append(codes, failedWith(t, b.call("destroy", func() (result, error) {
						return b.destroy(handle)
					})))
				}
				codes = append(codes, failedWith(t, b.call("delete", func() (result, error) {
					return b.deleteDevice(number)
				})), failedWith(t, b.call("devices", b.devices)))
				for _, code := range codes {
					if !allowed[code] {
						unexpected <- code
					}
				}
			}
		}()
	}
	waitUntil(t, "the callers are under way", func() bool { return created.Load() >= 12 })
	mustOK(t, b.call("close", b.closeStore))
	callers.Wait()
	close(unexpected)
	for code := range unexpected {
		t.Errorf("a call racing the close failed with %s", code)
	}
	b.registry.mu.Lock()
	defer b.registry.mu.Unlock()
	if len(b.registry.clients) != 0 || len(b.registry.numbers) != 0 || b.registry.phase != storeClosed {
		t.Fatalf("after the close: clients %v, numbers %v, phase %d", b.registry.clients, b.registry.numbers,
			b.registry.phase)
	}
}

// While one create waits for the database, calls about other numbers go on: no lock is held across its SQL.
func TestACreateWaitingForTheDatabaseHoldsUpNoOtherCall(t *testing.T) {
	b, path := openBridge(t, nil)
	// Number 7's mapping points at a device that is gone: its create must delete the mapping, a write.
	if err := storeOf(t, b).saveMapping(context.Background(),
		numberDevice{7, "+221770000007", "221770000007:4@s.whatsapp.net"}); err != nil {
		t.Fatal(err)
	}
	blocker, err := sql.Open("sqlite3", "file:"+path+"?_txlock=immediate&_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Close()
	writing, err := blocker.Begin() // takes SQLite's write lock until it ends
	if err != nil {
		t.Fatal(err)
	}
	defer writing.Rollback()

	slow := make(chan []byte, 1)
	go func() {
		slow <- b.call("create", func() (result, error) {
			return b.createClient(`{"numberId":7,"phoneNumber":"+221770000007"}`)
		})
	}()
	waitUntil(t, "number 7 is reserved", func() bool {
		b.registry.mu.Lock()
		defer b.registry.mu.Unlock()
		_, taken := b.registry.numbers[7]
		return taken
	})
	mustOK(t, b.call("stats", b.stats))
	other := createClient(t, b, 8, "+221770000008")
	mustOK(t, b.call("destroy", func() (result, error) { return b.destroy(int64(other["handle"].(float64))) }))
	mustFail(t, b.call("create", func() (result, error) {
		return b.createClient(`{"numberId":7,"phoneNumber":"+221770000007"}`)
	}), codeNumberInUse, "number 7 is being worked on by another call")
	select {
	case raw := <-slow:
		t.Fatalf("the create of number 7 ended while the database was locked: %s", raw)
	default:
	}

	if err = writing.Rollback(); err != nil {
		t.Fatal(err)
	}
	created := mustOK(t, <-slow)
	if created["paired"] != false {
		t.Fatalf("number 7's create = %v", created)
	}
	if _, found, _ := storeOf(t, b).mapping(context.Background(), 7); found {
		t.Fatal("the stale mapping of number 7 is still there")
	}
}

// waitUntil polls a condition (the bridge offers no event for it), failing after a generous bound.
func waitUntil(t *testing.T, what string, condition func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if condition() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("timed out waiting until %s", what)
}
