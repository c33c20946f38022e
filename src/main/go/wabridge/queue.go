package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// eventQueue holds the JSON events waiting for the JVM's poll thread.
//
// It is bounded so that a JVM that stops polling cannot make the Go heap grow without limit. When it is full,
// log events give way first (they are the only kind whose loss changes no session's state). A state event that
// still finds no room waits a little for the poller, then is dropped and counted: whatsmeow calls our handlers
// on its own goroutines, and blocking them forever would stall its connection.
type eventQueue struct {
	mu       sync.Mutex
	items    []queuedEvent
	capacity int
	// fullWait bounds how long a state event waits for room in a full queue.
	fullWait time.Duration

	// ready holds one token while items may be non-empty; space holds one while room may have been freed.
	ready chan struct{}
	space chan struct{}

	droppedLogs   atomic.Uint64
	droppedEvents atomic.Uint64
}

type queuedEvent struct {
	payload []byte
	isLog   bool
}

func newEventQueue(capacity int, fullWait time.Duration) *eventQueue {
	return &eventQueue{
		items:    make([]queuedEvent, 0, min(capacity, 1024)),
		capacity: capacity,
		fullWait: fullWait,
		ready:    make(chan struct{}, 1),
		space:    make(chan struct{}, 1),
	}
}

// push queues one event. It returns false when the event was dropped.
func (q *eventQueue) push(payload []byte, isLog bool) bool {
	deadline := time.Now().Add(q.fullWait)
	for {
		q.mu.Lock()
		if len(q.items) < q.capacity || (!isLog && q.evictOldestLogLocked()) {
			q.items = append(q.items, queuedEvent{payload: payload, isLog: isLog})
			q.mu.Unlock()
			signal(q.ready)
			return true
		}
		q.mu.Unlock()
		if isLog {
			q.droppedLogs.Add(1)
			return false
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			q.droppedEvents.Add(1)
			return false
		}
		timer := time.NewTimer(remaining)
		select {
		case <-q.space:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// evictOldestLogLocked removes the oldest queued log event to make room; false when there is none.
func (q *eventQueue) evictOldestLogLocked() bool {
	for i, item := range q.items {
		if item.isLog {
			q.items = append(q.items[:i], q.items[i+1:]...)
			q.droppedLogs.Add(1)
			return true
		}
	}
	return false
}

// pop returns the oldest event, waiting at most timeout for one; nil on timeout.
func (q *eventQueue) pop(timeout time.Duration) []byte {
	var timer *time.Timer
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			item := q.items[0]
			q.items[0] = queuedEvent{}
			q.items = q.items[1:]
			if len(q.items) == 0 {
				// Start over at the front of the backing array instead of creeping along it forever.
				q.items = q.items[:0:0]
			}
			more := len(q.items) > 0
			q.mu.Unlock()
			if more {
				signal(q.ready)
			}
			signal(q.space)
			if timer != nil {
				timer.Stop()
			}
			return item.payload
		}
		q.mu.Unlock()
		if timeout <= 0 {
			return nil
		}
		if timer == nil {
			timer = time.NewTimer(timeout)
		}
		select {
		case <-q.ready:
		case <-timer.C:
			return nil
		}
	}
}

func (q *eventQueue) length() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// signal leaves one token in a channel of capacity 1, without blocking when one is already there.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
