package main

import (
	"runtime"
	"runtime/debug"
	"sync"

	"go.mau.fi/whatsmeow/store"
)

// whatsmeowVersion is read once: the build info does not change while the library is loaded.
var whatsmeowVersion = sync.OnceValue(func() string { return moduleVersion("go.mau.fi/whatsmeow") })

// version answers wb_version: what the library was built from, and the client version its clients announce.
func (b *Bridge) version() (result, error) {
	answer := result{"bridge": bridgeVersion, "whatsmeow": whatsmeowVersion(), "go": runtime.Version()}
	if versions, err := b.versionKeeperOrFail(); err == nil {
		for key, value := range versions.describe() {
			answer[key] = value
		}
	} else {
		answer["clientVersion"], answer["clientVersionSource"] = store.GetWAVersion().String(), versionBuiltIn
	}
	return answer, nil
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

// stats answers wb_stats: the runtime figures a leak shows in first.
func (b *Bridge) stats() (result, error) {
	var memory runtime.MemStats
	runtime.ReadMemStats(&memory)
	return result{
		"goroutines":     runtime.NumGoroutine(),
		"clients":        b.registry.clientCount(),
		"heapAllocBytes": memory.HeapAlloc,
		"queuedEvents":   b.queue.length(),
		"droppedLogs":    b.queue.droppedLogs.Load(),
		"droppedEvents":  b.queue.droppedEvents.Load(),
	}, nil
}
