// Command wabridge is a C shared library (go build -buildmode=c-shared) that lets the JVM drive whatsmeow.
//
// The ABI is narrow on purpose: every function takes and returns UTF-8 JSON C strings, Go never calls into the
// JVM (the JVM polls wb_next_event from one thread), and every returned string is allocated with malloc and
// must be released with wb_free. No function lets a Go panic escape.
package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"fmt"
	"time"
	"unsafe"
)

var theBridge = newBridge()

// cString hands a Go byte slice to C as a malloc'ed NUL-terminated string.
func cString(b []byte) *C.char {
	return C.CString(string(b))
}

//export wb_version
func wb_version() *C.char {
	return cString(theBridge.call("wb_version", theBridge.version))
}

//export wb_stats
func wb_stats() *C.char {
	return cString(theBridge.call("wb_stats", theBridge.stats))
}

//export wb_open_store
func wb_open_store(configJSON *C.char) *C.char {
	config := C.GoString(configJSON)
	return cString(theBridge.call("wb_open_store", func() (result, error) {
		return theBridge.openStore(config)
	}))
}

//export wb_close_store
func wb_close_store() *C.char {
	return cString(theBridge.call("wb_close_store", theBridge.closeStore))
}

//export wb_client_create
func wb_client_create(specJSON *C.char) *C.char {
	spec := C.GoString(specJSON)
	return cString(theBridge.call("wb_client_create", func() (result, error) {
		return theBridge.createClient(spec)
	}))
}

//export wb_client_connect
func wb_client_connect(handle C.longlong) *C.char {
	return cString(theBridge.call("wb_client_connect", func() (result, error) {
		return theBridge.withClient(int64(handle), (*bridgeClient).connect)
	}))
}

//export wb_client_disconnect
func wb_client_disconnect(handle C.longlong) *C.char {
	return cString(theBridge.call("wb_client_disconnect", func() (result, error) {
		return theBridge.withClient(int64(handle), (*bridgeClient).disconnect)
	}))
}

//export wb_client_logout
func wb_client_logout(handle C.longlong) *C.char {
	return cString(theBridge.call("wb_client_logout", func() (result, error) {
		return theBridge.withClient(int64(handle), (*bridgeClient).logout)
	}))
}

//export wb_client_pair_phone
func wb_client_pair_phone(handle C.longlong, phoneNumber *C.char) *C.char {
	phone := C.GoString(phoneNumber)
	return cString(theBridge.call("wb_client_pair_phone", func() (result, error) {
		return theBridge.withClient(int64(handle), func(c *bridgeClient) (result, error) {
			return c.pairPhone(phone)
		})
	}))
}

//export wb_client_destroy
func wb_client_destroy(handle C.longlong) *C.char {
	return cString(theBridge.call("wb_client_destroy", func() (result, error) {
		return theBridge.destroy(int64(handle))
	}))
}

//export wb_devices
func wb_devices() *C.char {
	return cString(theBridge.call("wb_devices", theBridge.devices))
}

//export wb_device_delete
func wb_device_delete(numberID C.longlong) *C.char {
	return cString(theBridge.call("wb_device_delete", func() (result, error) {
		return theBridge.deleteDevice(int64(numberID))
	}))
}

// wb_next_event returns the oldest queued event, waiting up to timeoutMs for one; NULL on timeout.
// It is the hot path of the poll loop, so it skips call's JSON answer.
//
//export wb_next_event
func wb_next_event(timeoutMs C.int) (event *C.char) {
	defer func() {
		if recovered := recover(); recovered != nil {
			event = cString(errorAnswer(codeInternal, fmt.Sprintf("panic: %v", recovered)))
		}
	}()
	if payload := theBridge.queue.pop(time.Duration(timeoutMs) * time.Millisecond); payload != nil {
		return cString(payload)
	}
	return nil
}

//export wb_free
func wb_free(s *C.char) {
	C.free(unsafe.Pointer(s))
}

// main is required by -buildmode=c-shared and never runs.
func main() {}
