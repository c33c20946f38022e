package main

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/curve25519"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/util/keys"
)

// Parameters of pair-code.go: the 8-character code protects each side's ephemeral key with PBKDF2 and AES-CTR.
const (
	linkCodeIterations = 2 << 16
	wrappedKeySize     = 32 + 16 + 32 // salt, IV, encrypted public key
	keyBundleInfo      = "link_code_pairing_key_bundle_encryption_key"
	advSecretInfo      = "adv_secret"
)

var errWrongCode = errors.New("the code does not match the one the client shows")

// codeRequest is a client's companion_hello: it waits for the user to type its code on the phone.
type codeRequest struct {
	owner              *session
	phone              string
	ref                []byte
	wrappedCompanionPK []byte
	busy               sync.Mutex          // one code entry at a time
	finish             chan *waBinary.Node // the client's companion_finish
}

// answerLinkCode handles both stages of the client's link_code_companion_reg iqs.
func (s *session) answerLinkCode(node *waBinary.Node) {
	reg := node.GetChildByTag("link_code_companion_reg")
	switch stage, _ := reg.Attrs["stage"].(string); stage {
	case "companion_hello":
		s.acceptCompanionHello(node, &reg)
	case "companion_finish":
		if req := s.srv.state.sessionCodeRequest(s); req != nil {
			select {
			case req.finish <- node:
			default: // nobody is entering a code: a stray finish
			}
		}
		s.reply(node, nil)
	default:
		s.reply(node, nil)
	}
}

func (s *session) acceptCompanionHello(node, reg *waBinary.Node) {
	jid, _ := reg.Attrs["jid"].(types.JID)
	wrapped, _ := reg.GetChildByTag("link_code_pairing_wrapped_companion_ephemeral_pub").Content.([]byte)
	if jid.User == "" || len(wrapped) != wrappedKeySize {
		s.logf("malformed companion_hello")
		s.replyError(node, 400, "bad-request")
		return
	}
	ref := []byte(randomToken(24))
	s.srv.state.putCodeRequest(&codeRequest{
		owner: s, phone: jid.User, ref: ref, wrappedCompanionPK: wrapped, finish: make(chan *waBinary.Node, 1),
	})
	s.logf("pairing code requested for +%s", jid.User)
	s.reply(node, []waBinary.Node{{Tag: "link_code_companion_reg", Content: []waBinary.Node{
		{Tag: "link_code_pairing_ref", Content: ref},
	}}})
}

func (s *session) replyError(req *waBinary.Node, code int, text string) {
	s.send(waBinary.Node{
		Tag:     "iq",
		Attrs:   waBinary.Attrs{"id": req.Attrs["id"], "type": "error", "from": types.ServerJID},
		Content: []waBinary.Node{{Tag: "error", Attrs: waBinary.Attrs{"code": code, "text": text}}},
	})
}

// enterCode plays the phone on which the user types the code the companion shows for this phone number.
func (srv *Server) enterCode(ctx context.Context, code, phone string) (pairOutcome, error) {
	req := srv.state.codeRequestFor(phone)
	if req == nil {
		return pairOutcome{}, apiErrorf(404, "no pending pairing-code request for +%s", phone)
	}
	linkingCode := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), "-", ""))
	if len(linkingCode) != 8 {
		return pairOutcome{}, apiErrorf(400, "a pairing code has 8 characters")
	}
	if srv.cfg.Debug {
		srv.log.Printf("code %s entered for +%s", code, phone)
	}
	req.busy.Lock()
	defer req.busy.Unlock()
	if srv.state.codeRequestFor(phone) != req { // linked or gone while we waited for an earlier entry
		return pairOutcome{}, apiErrorf(404, "no pending pairing-code request for +%s", phone)
	}
	acct := srv.state.account(phone)
	comp, err := srv.exchangeKeyBundle(ctx, req, acct, linkingCode)
	if err != nil {
		return pairOutcome{}, err
	}
	srv.state.removeCodeRequest(req)
	return srv.link(ctx, req.owner, acct, comp)
}

// exchangeKeyBundle sends the phone's half of the code handshake and opens the companion's key bundle. With a
// wrong code both sides derive different secrets, so the bundle fails to authenticate.
func (srv *Server) exchangeKeyBundle(ctx context.Context, req *codeRequest, acct *account, linkingCode string) (companion, error) {
	companionEphemeral := unwrapLinkKey(linkingCode, req.wrappedCompanionPK)
	primaryEphemeral := keys.NewKeyPair()
	wrappedPrimary, err := wrapLinkKey(linkingCode, *primaryEphemeral.Pub)
	if err != nil {
		return companion{}, apiErrorf(500, "%v", err)
	}
	select { // a finish left over from an earlier attempt is not the answer to this one
	case <-req.finish:
	default:
	}
	sent := req.owner.send(waBinary.Node{
		Tag:   "notification",
		Attrs: waBinary.Attrs{"type": "link_code_companion_reg", "from": types.ServerJID, "id": srv.newID()},
		Content: []waBinary.Node{{Tag: "link_code_companion_reg", Content: []waBinary.Node{
			{Tag: "link_code_pairing_ref", Content: req.ref},
			{Tag: "link_code_pairing_wrapped_primary_ephemeral_pub", Content: wrappedPrimary},
			{Tag: "primary_identity_pub", Content: acct.identity.Pub[:]},
		}}},
	})
	if !sent {
		return companion{}, apiErrorf(502, "%v", errConnectionClosed)
	}
	ctx, cancel := context.WithTimeout(ctx, pairAnswerTimeout)
	defer cancel()
	var finish *waBinary.Node
	select {
	case finish = <-req.finish:
	case <-req.owner.ctx.Done():
		return companion{}, apiErrorf(502, "%v", errConnectionClosed)
	case <-ctx.Done():
		return companion{}, apiErrorf(504, "no companion_finish: %v", ctx.Err())
	}
	return openKeyBundle(finish, *primaryEphemeral.Priv, companionEphemeral, acct)
}

// openKeyBundle decrypts the companion's identity key and randomness, then derives the ADV secret the way
// pair-code.go does on the companion's side.
func openKeyBundle(finish *waBinary.Node, primaryEphemeralPriv, companionEphemeral [32]byte, acct *account) (companion, error) {
	wrapped, _ := finish.GetChildByTag("link_code_companion_reg", "link_code_pairing_wrapped_key_bundle").Content.([]byte)
	if len(wrapped) < 32+12+16 {
		return companion{}, apiErrorf(502, "companion_finish without a key bundle")
	}
	ephemeralShared, err := curve25519.X25519(primaryEphemeralPriv[:], companionEphemeral[:])
	if err != nil {
		return companion{}, apiErrorf(400, "%v", errWrongCode)
	}
	bundleKey, err := hkdf.Key(sha256.New, ephemeralShared, wrapped[:32], keyBundleInfo, 32)
	if err != nil {
		return companion{}, apiErrorf(500, "%v", err)
	}
	gcm, err := newGCM(bundleKey)
	if err != nil {
		return companion{}, apiErrorf(500, "%v", err)
	}
	bundle, err := gcm.Open(nil, wrapped[32:44], wrapped[44:], nil)
	if err != nil {
		return companion{}, apiErrorf(400, "%v", errWrongCode)
	}
	if len(bundle) != 96 || !bytes.Equal(bundle[32:64], acct.identity.Pub[:]) {
		return companion{}, apiErrorf(502, "key bundle does not name this account's identity")
	}
	companionIdentity := [32]byte(bundle[:32])
	identityShared, err := curve25519.X25519(acct.identity.Priv[:], companionIdentity[:])
	if err != nil {
		return companion{}, apiErrorf(502, "companion identity key: %v", err)
	}
	advSecret, err := hkdf.Key(sha256.New, concat(ephemeralShared, identityShared, bundle[64:96]), nil, advSecretInfo, 32)
	if err != nil {
		return companion{}, apiErrorf(500, "%v", err)
	}
	return companion{identity: companionIdentity, advSecret: advSecret}, nil
}

// wrapLinkKey encrypts an ephemeral public key with the code: salt ‖ IV ‖ AES-256-CTR(PBKDF2(code, salt), key).
func wrapLinkKey(linkingCode string, pub [32]byte) ([]byte, error) {
	out := make([]byte, wrappedKeySize)
	if _, err := rand.Read(out[:48]); err != nil {
		return nil, err
	}
	stream, err := linkCodeStream(linkingCode, out[:32], out[32:48])
	if err != nil {
		return nil, err
	}
	stream.XORKeyStream(out[48:], pub[:])
	return out, nil
}

// unwrapLinkKey reverses wrapLinkKey. CTR has no integrity: a wrong code yields a wrong key, not an error.
func unwrapLinkKey(linkingCode string, wrapped []byte) [32]byte {
	var pub [32]byte
	stream, err := linkCodeStream(linkingCode, wrapped[:32], wrapped[32:48])
	if err != nil {
		return pub
	}
	stream.XORKeyStream(pub[:], wrapped[48:80])
	return pub
}

func linkCodeStream(linkingCode string, salt, iv []byte) (cipher.Stream, error) {
	key, err := pbkdf2.Key(sha256.New, linkingCode, salt, linkCodeIterations, 32)
	if err != nil {
		return nil, fmt.Errorf("pbkdf2: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewCTR(block, iv), nil
}
