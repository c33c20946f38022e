package main

import "testing"

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
