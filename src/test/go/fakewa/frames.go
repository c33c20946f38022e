package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/coder/websocket"
	"go.mau.fi/whatsmeow/socket"
)

// frameLengthSize is the size of the big-endian length that precedes every frame in both directions.
const frameLengthSize = 3

var errBadHeader = errors.New("first message does not start with the WA connection header")

// frameConn splits the server side of a WhatsApp WebSocket into frames. The client prefixes its very first
// message with the WA header (once only) and puts exactly one frame in each message, but we buffer anyway so a
// frame split across messages or several frames in one message still decode.
type frameConn struct {
	ws        *websocket.Conn
	buf       []byte
	gotHeader bool
}

func newFrameConn(ws *websocket.Conn) *frameConn {
	return &frameConn{ws: ws}
}

// readFrame returns the next complete frame. Only one goroutine may read.
func (fc *frameConn) readFrame(ctx context.Context) ([]byte, error) {
	for {
		if frame, ok := fc.nextBuffered(); ok {
			return frame, nil
		}
		typ, data, err := fc.ws.Read(ctx)
		if err != nil {
			return nil, err
		}
		if typ != websocket.MessageBinary {
			continue
		}
		if !fc.gotHeader {
			if !bytes.HasPrefix(data, socket.WAConnHeader) {
				return nil, errBadHeader
			}
			data = data[len(socket.WAConnHeader):]
			fc.gotHeader = true
		}
		fc.buf = append(fc.buf, data...)
	}
}

// nextBuffered takes a complete frame off the buffer. A 3-byte length cannot exceed whatsmeow's 16 MiB limit.
func (fc *frameConn) nextBuffered() ([]byte, bool) {
	if len(fc.buf) < frameLengthSize {
		return nil, false
	}
	end := frameLengthSize + (int(fc.buf[0])<<16 | int(fc.buf[1])<<8 | int(fc.buf[2]))
	if len(fc.buf) < end {
		return nil, false
	}
	frame := bytes.Clone(fc.buf[frameLengthSize:end])
	if end == len(fc.buf) {
		fc.buf = fc.buf[:0]
	} else {
		fc.buf = fc.buf[end:]
	}
	return frame, true
}

// writeFrame sends one frame as one binary message; the server never sends the WA header.
func (fc *frameConn) writeFrame(ctx context.Context, payload []byte) error {
	if len(payload) >= socket.FrameMaxSize {
		return fmt.Errorf("frame of %d bytes is too large", len(payload))
	}
	msg := make([]byte, frameLengthSize+len(payload))
	msg[0], msg[1], msg[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
	copy(msg[frameLengthSize:], payload)
	return fc.ws.Write(ctx, websocket.MessageBinary, msg)
}
