package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
)

// maxControlBody bounds control requests, which are all a few hundred bytes.
const maxControlBody = 1 << 16

// apiError is an error with the HTTP status the control API answers it with.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func apiErrorf(status int, format string, args ...any) error {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

func (srv *Server) routeControl(mux *http.ServeMux) {
	mux.HandleFunc("POST /control/scan", srv.controlScan)
	mux.HandleFunc("POST /control/code", srv.controlCode)
	mux.HandleFunc("POST /control/logout", srv.controlLogout)
	mux.HandleFunc("POST /control/drop", srv.controlDrop)
	mux.HandleFunc("GET /control/devices", srv.controlDevices)
	mux.HandleFunc("GET /control/client-version", srv.controlGetVersion)
	mux.HandleFunc("PUT /control/client-version", srv.controlPutVersion)
	mux.HandleFunc("POST /control/accounts", srv.controlAccounts)
	mux.HandleFunc("POST /control/notify", srv.controlNotify)
	mux.HandleFunc("GET /control/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

type phoneRequest struct {
	PhoneNumber string `json:"phoneNumber"`
}

func (srv *Server) controlScan(w http.ResponseWriter, r *http.Request) {
	var req struct {
		QR          string `json:"qr"`
		PhoneNumber string `json:"phoneNumber"`
	}
	phone, ok := decodePhoneRequest(w, r, &req, &req.PhoneNumber)
	if !ok {
		return
	}
	outcome, err := srv.scan(r.Context(), req.QR, phone)
	writeOutcome(w, outcome, err)
}

func (srv *Server) controlCode(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Code        string `json:"code"`
		PhoneNumber string `json:"phoneNumber"`
	}
	phone, ok := decodePhoneRequest(w, r, &req, &req.PhoneNumber)
	if !ok {
		return
	}
	outcome, err := srv.enterCode(r.Context(), req.Code, phone)
	writeOutcome(w, outcome, err)
}

// controlLogout unlinks every device of a number: the live ones hear device_removed first.
func (srv *Server) controlLogout(w http.ResponseWriter, r *http.Request) {
	var req phoneRequest
	phone, ok := decodePhoneRequest(w, r, &req, &req.PhoneNumber)
	if !ok {
		return
	}
	n, live := srv.state.forget(phone)
	if n == 0 {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no device for +%s", phone))
		return
	}
	for _, s := range live {
		s.send(deviceRemovedNode)
	}
	if len(live) > 0 {
		waitOrDone(r.Context(), closeGrace)
	}
	for _, s := range live {
		s.close()
	}
	srv.log.Printf("logged out %d device(s) of +%s", n, phone)
	writeJSON(w, http.StatusOK, map[string]int{"loggedOut": n})
}

// controlDrop cuts a number's live connections without a word, as a network failure would.
func (srv *Server) controlDrop(w http.ResponseWriter, r *http.Request) {
	var req phoneRequest
	phone, ok := decodePhoneRequest(w, r, &req, &req.PhoneNumber)
	if !ok {
		return
	}
	live, known := srv.state.liveSessions(phone)
	if !known {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no device for +%s", phone))
		return
	}
	for _, s := range live {
		s.close()
	}
	srv.log.Printf("dropped %d connection(s) of +%s", len(live), phone)
	writeJSON(w, http.StatusOK, map[string]int{"dropped": len(live)})
}

func (srv *Server) controlDevices(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"devices": srv.state.listDevices()})
}

type versionBody struct {
	Minimum uint32 `json:"minimum"`
	Latest  uint32 `json:"latest"`
}

func (srv *Server) controlGetVersion(w http.ResponseWriter, _ *http.Request) {
	minimum, latest := srv.versions()
	writeJSON(w, http.StatusOK, versionBody{Minimum: minimum, Latest: latest})
}

// controlPutVersion sets both values; a latest of 0 keeps the current one.
func (srv *Server) controlPutVersion(w http.ResponseWriter, r *http.Request) {
	var req versionBody
	if !decodeJSON(w, r, &req) {
		return
	}
	_, latest := srv.versions()
	if req.Latest != 0 {
		latest = req.Latest
	}
	srv.setVersions(req.Minimum, latest)
	srv.log.Printf("client version: minimum %d, latest %d", req.Minimum, latest)
	writeJSON(w, http.StatusOK, versionBody{Minimum: req.Minimum, Latest: latest})
}

func (srv *Server) controlAccounts(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PhoneNumber string     `json:"phoneNumber"`
		Passkey     bool       `json:"passkey"`
		Ban         *banScript `json:"ban"`
	}
	phone, ok := decodePhoneRequest(w, r, &req, &req.PhoneNumber)
	if !ok {
		return
	}
	// A ban takes effect at the next login, so a connected device is dropped to log in again right away.
	live := srv.state.script(phone, req.Passkey, req.Ban)
	for _, s := range live {
		s.close()
	}
	srv.log.Printf("account +%s: passkey %t, banned %t", phone, req.Passkey, req.Ban != nil)
	writeJSON(w, http.StatusOK, map[string]any{"phoneNumber": "+" + phone, "passkey": req.Passkey, "ban": req.Ban, "dropped": len(live)})
}

// controlNotify sends a bare notification of any type to every connection still waiting to be paired.
func (srv *Server) controlNotify(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Type string `json:"type"`
	}
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.Type == "" {
		writeError(w, http.StatusBadRequest, "type is required")
		return
	}
	sent := 0
	for _, s := range srv.state.pairingSessions() {
		if s.send(waBinary.Node{Tag: "notification", Attrs: waBinary.Attrs{"type": req.Type, "from": types.ServerJID, "id": srv.newID()}}) {
			sent++
		}
	}
	srv.log.Printf("sent %q notification to %d pairing connection(s)", req.Type, sent)
	writeJSON(w, http.StatusOK, map[string]int{"sent": sent})
}

// decodePhoneRequest decodes a body and normalises its phone number, answering 400 itself when either fails.
func decodePhoneRequest(w http.ResponseWriter, r *http.Request, body any, phone *string) (string, bool) {
	if !decodeJSON(w, r, body) {
		return "", false
	}
	digits, err := normalizePhone(*phone)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return "", false
	}
	return digits, true
}

func decodeJSON(w http.ResponseWriter, r *http.Request, body any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxControlBody))
	if err := dec.Decode(body); err != nil {
		writeError(w, http.StatusBadRequest, "malformed JSON body: "+err.Error())
		return false
	}
	return true
}

func writeOutcome(w http.ResponseWriter, outcome pairOutcome, err error) {
	var apiErr *apiError
	switch {
	case errors.As(err, &apiErr):
		writeError(w, apiErr.status, apiErr.msg)
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
	case outcome.Result == "rejected":
		writeJSON(w, http.StatusConflict, outcome)
	default:
		writeJSON(w, http.StatusOK, outcome)
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// waitOrDone waits d unless the request goes away first.
func waitOrDone(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
