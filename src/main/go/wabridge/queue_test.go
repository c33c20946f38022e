package main

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestQueueIsFirstInFirstOut(t *testing.T) {
	q := newEventQueue(10, time.Millisecond)
	for i := range 3 {
		q.push([]byte(fmt.Sprint(i)), false)
	}
	for i := range 3 {
		if got := string(q.pop(time.Second)); got != fmt.Sprint(i) {
			t.Fatalf("pop %d = %q", i, got)
		}
	}
}

func TestPopReturnsNilAfterTheTimeoutWhenEmpty(t *testing.T) {
	q := newEventQueue(10, time.Millisecond)
	start := time.Now()
	if got := q.pop(50 * time.Millisecond); got != nil {
		t.Fatalf("pop on empty queue = %q", got)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Fatalf("pop returned after %v, before its timeout", waited)
	}
	if got := q.pop(0); got != nil {
		t.Fatalf("pop(0) on empty queue = %q", got)
	}
}

func TestPopWakesUpWhenAnEventArrives(t *testing.T) {
	q := newEventQueue(10, time.Millisecond)
	go func() {
		time.Sleep(20 * time.Millisecond)
		q.push([]byte("late"), false)
	}()
	start := time.Now()
	if got := string(q.pop(5 * time.Second)); got != "late" {
		t.Fatalf("pop = %q", got)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Fatalf("pop waited %v for an event pushed after 20ms", waited)
	}
}

func TestAFullQueueDropsLogEventsFirst(t *testing.T) {
	q := newEventQueue(3, time.Millisecond)
	q.push([]byte("log1"), true)
	q.push([]byte("state1"), false)
	q.push([]byte("log2"), true)

	if q.push([]byte("log3"), true) {
		t.Fatal("a log event was queued into a full queue")
	}
	if !q.push([]byte("state2"), false) {
		t.Fatal("a state event was dropped although a log event could make room")
	}
	var got []string
	for event := q.pop(0); event != nil; event = q.pop(0) {
		got = append(got, string(event))
	}
	if want := []string{"state1", "log2", "state2"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("queue held %v, want %v (oldest log evicted)", got, want)
	}
	if dropped := q.droppedLogs.Load(); dropped != 2 {
		t.Fatalf("droppedLogs = %d, want 2", dropped)
	}
}

func TestAStateEventWaitsForRoomThenIsDroppedAndCounted(t *testing.T) {
	q := newEventQueue(1, 30*time.Millisecond)
	q.push([]byte("state1"), false)
	start := time.Now()
	if q.push([]byte("state2"), false) {
		t.Fatal("a state event was queued into a queue full of state events")
	}
	if waited := time.Since(start); waited < 30*time.Millisecond {
		t.Fatalf("push gave up after %v, before its wait", waited)
	}
	if dropped := q.droppedEvents.Load(); dropped != 1 {
		t.Fatalf("droppedEvents = %d, want 1", dropped)
	}
}

func TestAStateEventGetsInWhenThePollerMakesRoom(t *testing.T) {
	q := newEventQueue(1, 5*time.Second)
	q.push([]byte("state1"), false)
	go func() {
		time.Sleep(20 * time.Millisecond)
		q.pop(0)
	}()
	if !q.push([]byte("state2"), false) {
		t.Fatal("the state event was dropped although room was made")
	}
	if got := string(q.pop(0)); got != "state2" {
		t.Fatalf("pop = %q", got)
	}
}

func TestConcurrentProducersLoseNothing(t *testing.T) {
	q := newEventQueue(100, 5*time.Second)
	const producers, each = 8, 500
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				q.push([]byte(fmt.Sprintf("%d-%d", p, i)), false)
			}
		}()
	}
	seen := make(map[string]bool)
	for len(seen) < producers*each {
		event := q.pop(5 * time.Second)
		if event == nil {
			t.Fatalf("timed out after %d events", len(seen))
		}
		seen[string(event)] = true
	}
	wg.Wait()
	if q.droppedEvents.Load() != 0 {
		t.Fatalf("dropped %d events", q.droppedEvents.Load())
	}
}
