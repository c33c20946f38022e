package main

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"
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
//
// Its calls run on whatever JVM threads make them, at the same time: the shared state sits in the registry
// (registry.go says how it is locked), each client guards its own connection state, and the event queue has its
// own lock.
type Bridge struct {
	queue    *eventQueue
	registry *registry

	nextHandle atomic.Int64
}

func newBridge() *Bridge {
	return &Bridge{
		queue:    newEventQueue(queueCapacity, queueFullWait),
		registry: newRegistry(),
	}
}

// call runs one bridge operation and answers with JSON: {"ok":true,...} or {"ok":false,"code":"...","error":"..."}
// (errors.go names the codes). A panic becomes an error answer: it must never unwind into the JVM, which would
// die of it.
func (b *Bridge) call(operation string, fn func() (result, error)) (answer []byte) {
	defer func() {
		if recovered := recover(); recovered != nil {
			b.emitLog(storeHandle, 0, levelError, "wabridge",
				fmt.Sprintf("panic in %s: %v\n%s", operation, recovered, debug.Stack()))
			answer = errorAnswer(codeInternal, fmt.Sprintf("panic: %v", recovered))
		}
	}()
	res, err := fn()
	if err != nil {
		return errorAnswer(classify(err), err.Error())
	}
	if res == nil {
		res = result{}
	}
	res["ok"] = true
	encoded, err := json.Marshal(res)
	if err != nil {
		return errorAnswer(codeInternal, "encoding the answer of "+operation+": "+err.Error())
	}
	return encoded
}

func errorAnswer(code errorCode, message string) []byte {
	encoded, _ := json.Marshal(result{"ok": false, "code": code, "error": message})
	return encoded
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

// logger is the whatsmeow logger of one client (or of the store, handle 0), at the store's configured level.
func (b *Bridge) logger(handle, numberID int64, module string, min logLevel) *bridgeLogger {
	return &bridgeLogger{
		emit: func(level logLevel, module, message string) {
			b.emitLog(handle, numberID, level, module, message)
		},
		module: module,
		min:    min,
	}
}
