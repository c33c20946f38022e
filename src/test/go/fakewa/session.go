package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
)

const (
	// wsReadLimit is generous: the first pre-key upload alone is about 40 KB, and coder/websocket's default is 32 KiB.
	wsReadLimit = 32 << 20
	// handshakeTimeout bounds a client that opens the socket and never finishes Noise.
	handshakeTimeout = 20 * time.Second
	// closeGrace is how long we wait after a failure or a logout before closing: whatsmeow stops its handler
	// queue when the connection goes, so a close at the same instant could swallow the event we just sent.
	closeGrace = time.Second
)

var errConnectionClosed = errors.New("the client's connection closed")

// session is one client connection after the WebSocket upgrade.
type session struct {
	srv          *Server
	id           uint64
	ws           *websocket.Conn
	nt           *noiseTransport
	clientStatic [32]byte
	ctx          context.Context
	cancel       context.CancelFunc

	pendingMu sync.Mutex
	pending   map[string]chan *waBinary.Node // our own iqs waiting for the client's answer

	// Guarded by the registry's lock.
	pairing bool     // a new device that has not linked yet
	refs    []string // refs issued on this connection
	device  *device  // set once logged in
	code    *codeRequest
}

func (srv *Server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		InsecureSkipVerify: true, // Origin is https://web.whatsapp.com while Host may be anything: accept it
		CompressionMode:    websocket.CompressionDisabled,
	})
	if err != nil {
		srv.log.Printf("websocket upgrade from %s failed: %v", r.RemoteAddr, err)
		return
	}
	ws.SetReadLimit(wsReadLimit)
	ctx, cancel := context.WithCancel(srv.ctx)
	s := &session{srv: srv, id: srv.nextSession.Add(1), ws: ws, ctx: ctx, cancel: cancel, pending: make(map[string]chan *waBinary.Node)}
	defer s.close()
	s.run(r.RemoteAddr)
}

func (s *session) run(remote string) {
	fc := newFrameConn(s.ws)
	hctx, cancel := context.WithTimeout(s.ctx, handshakeTimeout)
	hs, err := serverHandshake(hctx, fc, s.srv.static, s.srv.certChain)
	cancel()
	if err != nil {
		s.logf("handshake with %s failed: %v", remote, err)
		return
	}
	s.nt, s.clientStatic = hs.transport, hs.clientStatic
	var started bool
	if hs.payload.GetDevicePairingData() != nil {
		s.logf("new device connected from %s (app version tertiary %d)", remote, appTertiary(hs.payload))
		started = s.startPairing(hs.payload)
	} else {
		started = s.startLogin(hs.payload)
	}
	if started {
		s.readLoop()
	}
}

func (s *session) readLoop() {
	for {
		node, err := s.nt.readNode(s.ctx)
		if err != nil {
			if s.ctx.Err() == nil {
				s.logf("connection ended: %v", err)
			}
			return
		}
		s.handleNode(node)
	}
}

func (s *session) handleNode(node *waBinary.Node) {
	switch node.Tag {
	case "iq":
		s.handleIQ(node)
	case "ack", "ib":
		// Acknowledgements of our notifications and client info: nothing to answer.
	default:
		s.debugf("ignoring <%s>", node.Tag)
	}
}

func (s *session) handleIQ(node *waBinary.Node) {
	typ, _ := node.Attrs["type"].(string)
	id, _ := node.Attrs["id"].(string)
	switch typ {
	case "result", "error":
		s.deliverResponse(id, node)
	case "get", "set":
		s.answerIQ(node)
	}
}

// answerIQ answers everything the client asks. Anything we do not model gets an empty result, because an
// unanswered iq blocks whatsmeow for 75 s.
func (s *session) answerIQ(node *waBinary.Node) {
	xmlns, _ := node.Attrs["xmlns"].(string)
	switch {
	case xmlns == "encrypt":
		s.answerEncrypt(node)
	case xmlns == "md" && hasChild(node, "link_code_companion_reg"):
		s.answerLinkCode(node)
	default:
		s.reply(node, nil)
	}
}

func hasChild(node *waBinary.Node, tag string) bool {
	_, ok := node.GetOptionalChildByTag(tag)
	return ok
}

// reply answers a client iq with a result carrying content (nil for none).
func (s *session) reply(req *waBinary.Node, content []waBinary.Node) {
	resp := waBinary.Node{Tag: "iq", Attrs: waBinary.Attrs{"id": req.Attrs["id"], "type": "result", "from": types.ServerJID}}
	if content != nil {
		resp.Content = content
	}
	s.send(resp)
}

// send writes a node; a failure means the connection is going away, which the read loop notices.
func (s *session) send(node waBinary.Node) bool {
	if err := s.nt.sendNode(s.ctx, node); err != nil {
		s.debugf("sending <%s> failed: %v", node.Tag, err)
		return false
	}
	return true
}

// request sends one of our own iqs and waits for the client's result or error.
func (s *session) request(ctx context.Context, node waBinary.Node) (*waBinary.Node, error) {
	id := node.Attrs["id"].(string)
	ch := make(chan *waBinary.Node, 1)
	s.pendingMu.Lock()
	s.pending[id] = ch
	s.pendingMu.Unlock()
	defer func() {
		s.pendingMu.Lock()
		delete(s.pending, id)
		s.pendingMu.Unlock()
	}()
	if !s.send(node) {
		return nil, errConnectionClosed
	}
	select {
	case resp := <-ch:
		return resp, nil
	case <-s.ctx.Done():
		return nil, errConnectionClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *session) deliverResponse(id string, node *waBinary.Node) {
	s.pendingMu.Lock()
	ch, ok := s.pending[id]
	delete(s.pending, id)
	s.pendingMu.Unlock()
	if ok {
		ch <- node
	}
}

// terminate sends a final node, gives the client a moment to handle it, then closes.
func (s *session) terminate(node waBinary.Node) {
	s.send(node)
	select {
	case <-time.After(closeGrace):
	case <-s.ctx.Done():
	}
	s.close()
}

// close ends the connection at once (TCP close, no WebSocket close handshake); safe to call more than once.
func (s *session) close() {
	s.cancel()
	_ = s.ws.CloseNow()
	s.srv.state.removeSession(s)
}

func (s *session) logf(format string, args ...any) {
	s.srv.log.Printf("conn %d: %s", s.id, fmt.Sprintf(format, args...))
}

func (s *session) debugf(format string, args ...any) {
	if s.srv.cfg.Debug {
		s.logf(format, args...)
	}
}

// newID returns an id for an iq or notification we originate. whatsmeow's own ids look like "12.34-5"; ours
// can never take that form, so the client never mistakes our request for the answer to one of its own.
func (srv *Server) newID() string {
	return "fakewa." + strconv.FormatUint(srv.nextID.Add(1), 10)
}
