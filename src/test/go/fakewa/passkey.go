package main

import (
	"crypto/rand"
	"encoding/json"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
)

// passkeyTimeoutMillis is the WebAuthn timeout we ask the authenticator for.
const passkeyTimeoutMillis = 60000

// sendPasskeyRequest tells the companion that the account demands a passkey before linking, which whatsmeow
// reports as events.PairPasskeyRequest. We stop there: nothing gets linked.
func (s *session) sendPasskeyRequest() bool {
	options, err := json.Marshal(passkeyOptions())
	if err != nil {
		s.logf("passkey options: %v", err)
		return false
	}
	return s.send(waBinary.Node{
		Tag:     "notification",
		Attrs:   waBinary.Attrs{"type": "passkey_prologue_request", "from": types.ServerJID, "id": s.srv.newID()},
		Content: []waBinary.Node{{Tag: "passkey_request_options", Content: options}},
	})
}

// passkeyOptions are WebAuthn request options as whatsmeow's types.WebAuthnPublicKey reads them.
func passkeyOptions() types.WebAuthnPublicKey {
	challenge := make([]byte, 32)
	credential := make([]byte, 16)
	_, _ = rand.Read(challenge)
	_, _ = rand.Read(credential)
	return types.WebAuthnPublicKey{
		Challenge:     challenge,
		Timeout:       passkeyTimeoutMillis,
		RelyingPartID: "whatsapp.com",
		AllowCredentials: []types.AllowedCredential{
			{ID: credential, Type: "public-key", Transports: []string{"internal", "hybrid"}},
		},
		UserVerification: "required",
		Extensions:       map[string]any{},
	}
}
