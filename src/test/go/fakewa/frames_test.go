package main

import (
	"context"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

func TestFramesSplitAndJoin(t *testing.T) {
	fc := &frameConn{gotHeader: true}
	// Two frames in one message, the second cut short.
	fc.buf = []byte{0, 0, 2, 'h', 'i', 0, 0, 3, 'y', 'o'}
	frame, ok := fc.nextBuffered()
	if !ok || string(frame) != "hi" {
		t.Fatalf("first frame %q, %t", frame, ok)
	}
	if _, ok = fc.nextBuffered(); ok {
		t.Fatal("an incomplete frame was returned")
	}
	fc.buf = append(fc.buf, 'u')
	if frame, ok = fc.nextBuffered(); !ok || string(frame) != "you" {
		t.Fatalf("second frame %q, %t", frame, ok)
	}
	if len(fc.buf) != 0 {
		t.Fatalf("%d bytes left over", len(fc.buf))
	}
}

// TestWrongHeaderIsRefused: a client that does not open with the WA header gets the connection closed.
func TestWrongHeaderIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), eventTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(h.http.URL, "http")+"/ws/chat", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if err = ws.Write(ctx, websocket.MessageBinary, []byte{'X', 'X', 6, 3, 0, 0, 1, 0}); err != nil {
		t.Fatal(err)
	}
	if _, _, err = ws.Read(ctx); err == nil || ctx.Err() != nil {
		t.Fatalf("connection still open after a wrong header (%v)", err)
	}
}
