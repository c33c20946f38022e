package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mau.fi/libsignal/ecc"
	"google.golang.org/protobuf/proto"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waWa6"
	"go.mau.fi/whatsmeow/types"
)

const qrPrefix = "https://wa.me/settings/linked_devices#"

// pairAnswerTimeout bounds how long the phone waits for the companion to answer pair-success.
const pairAnswerTimeout = 15 * time.Second

// The ADV signature prefixes of whatsmeow's pair.go (E2EE accounts only: we never issue hosted ones).
var (
	advAccountSignaturePrefix = []byte{6, 0}
	advDeviceSignaturePrefix  = []byte{6, 1}
)

// startPairing greets a new device: too old a version gets a 405 failure, anyone else a batch of refs.
func (s *session) startPairing(payload *waWa6.ClientPayload) bool {
	if s.srv.outdated(appTertiary(payload)) {
		s.logf("new device refused: client version %d is below the minimum", appTertiary(payload))
		s.terminate(failureNode(405))
		return false
	}
	s.srv.state.addSession(s, true)
	return s.sendPairDevice()
}

// sendPairDevice sends the refs whatsmeow turns into QR codes. They stay valid as long as whatsmeow shows the
// batch: the first ref 60 s, each further one 20 s more.
func (s *session) sendPairDevice() bool {
	n := s.srv.cfg.Refs
	lifetime := s.srv.cfg.RefFirstLifetime + time.Duration(n-1)*s.srv.cfg.RefNextLifetime
	refs := s.srv.state.newRefs(s, n, s.srv.cfg.Now(), lifetime)
	children := make([]waBinary.Node, len(refs))
	for i, ref := range refs {
		children[i] = waBinary.Node{Tag: "ref", Content: []byte(ref)}
	}
	s.logf("sent pair-device with %d refs", len(refs))
	return s.send(waBinary.Node{
		Tag:     "iq",
		Attrs:   waBinary.Attrs{"from": types.ServerJID, "type": "set", "id": s.srv.newID(), "xmlns": "md"},
		Content: []waBinary.Node{{Tag: "pair-device", Content: children}},
	})
}

// qrCode is what the phone reads from a QR: the ref names the connection, the keys and secret the companion.
type qrCode struct {
	ref       string
	noiseKey  [32]byte
	identity  [32]byte
	advSecret []byte
}

// parseQR reads "https://wa.me/settings/linked_devices#ref,noise,identity,adv,clientType" and the older form
// without the URL prefix and the client type.
func parseQR(text string) (qrCode, error) {
	parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(text), qrPrefix), ",")
	if len(parts) != 4 && len(parts) != 5 {
		return qrCode{}, errors.New("a QR text has 4 or 5 comma-separated fields")
	}
	var qr qrCode
	qr.ref = parts[0]
	var keys [3][]byte
	for i, part := range parts[1:4] {
		decoded, err := base64.StdEncoding.DecodeString(part)
		if err != nil || len(decoded) != 32 {
			return qrCode{}, fmt.Errorf("QR field %d is not 32 bytes of base64", i+2)
		}
		keys[i] = decoded
	}
	qr.noiseKey, qr.identity, qr.advSecret = [32]byte(keys[0]), [32]byte(keys[1]), keys[2]
	if qr.ref == "" {
		return qrCode{}, errors.New("the QR has an empty ref")
	}
	return qr, nil
}

// pairOutcome is the control API's answer to a scan or a code entry.
type pairOutcome struct {
	Result string `json:"result"` // paired, rejected or passkey_requested
	JID    string `json:"jid,omitempty"`
	LID    string `json:"lid,omitempty"`
	Code   int    `json:"code,omitempty"`
	Text   string `json:"text,omitempty"`
}

// companion is what the phone knows about the device it links.
type companion struct {
	identity  [32]byte
	advSecret []byte
}

// scan plays the phone scanning a QR code with the given account.
func (srv *Server) scan(ctx context.Context, qrText, phone string) (pairOutcome, error) {
	qr, err := parseQR(qrText)
	if err != nil {
		return pairOutcome{}, apiErrorf(400, "%v", err)
	}
	if srv.cfg.Debug {
		srv.log.Printf("scan by +%s of %s", phone, qrText)
	}
	s, err := srv.state.claimRef(qr.ref, srv.cfg.Now())
	if err != nil {
		return pairOutcome{}, apiErrorf(404, "%v", err)
	}
	acct := srv.state.account(phone)
	if srv.state.passkeyDemanded(acct) {
		if !s.sendPasskeyRequest() {
			return pairOutcome{}, apiErrorf(502, "%v", errConnectionClosed)
		}
		s.logf("scan by +%s: passkey requested", phone)
		return pairOutcome{Result: "passkey_requested"}, nil
	}
	return srv.link(ctx, s, acct, companion{identity: qr.identity, advSecret: qr.advSecret})
}

// link sends pair-success for a new device number of the account and waits for the companion's verdict.
func (srv *Server) link(ctx context.Context, s *session, acct *account, comp companion) (pairOutcome, error) {
	number, keyIndex, err := srv.state.reserveDevice(acct)
	if err != nil {
		return pairOutcome{}, apiErrorf(409, "%v", err)
	}
	jid := types.JID{User: acct.phone, Device: number, Server: types.DefaultUserServer}
	lid := types.JID{User: acct.lidUser, Device: number, Server: types.HiddenUserServer}
	outcome, err := srv.exchangePairSuccess(ctx, s, acct, comp, jid, lid, keyIndex)
	if err != nil || outcome.Result != "paired" {
		srv.state.releaseDevice(acct, number)
	}
	return outcome, err
}

func (srv *Server) exchangePairSuccess(ctx context.Context, s *session, acct *account, comp companion, jid, lid types.JID, keyIndex uint32) (pairOutcome, error) {
	container, details, err := signDeviceIdentity(acct, comp, keyIndex, srv.cfg.Now())
	if err != nil {
		return pairOutcome{}, apiErrorf(500, "%v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, pairAnswerTimeout)
	defer cancel()
	resp, err := s.request(ctx, pairSuccessNode(srv.newID(), container, jid, lid, srv.cfg.Now()))
	if errors.Is(err, errConnectionClosed) {
		return pairOutcome{}, apiErrorf(502, "no answer to pair-success: %v", err)
	} else if err != nil {
		return pairOutcome{}, apiErrorf(504, "no answer to pair-success: %v", err)
	}
	if typ, _ := resp.Attrs["type"].(string); typ == "error" {
		code, text := iqError(resp)
		s.logf("pairing of %s refused by the client: %d %s", jid, code, text)
		return pairOutcome{Result: "rejected", Code: code, Text: text}, nil
	}
	if err = verifyDeviceSign(resp, details, comp.identity, *acct.identity.Pub); err != nil {
		s.logf("pairing of %s failed: %v", jid, err)
		return pairOutcome{}, apiErrorf(502, "%v", err)
	}
	srv.state.addDevice(&device{account: acct, jid: jid, lid: lid, noiseKey: s.clientStatic, identityKey: comp.identity}, s)
	s.logf("paired %s (%s)", jid, lid)
	// The client logs in again only when told to: a plain close after pairing leaves it disconnected.
	s.send(waBinary.Node{Tag: "stream:error", Attrs: waBinary.Attrs{"code": "515"}})
	return pairOutcome{Result: "paired", JID: jid.String(), LID: lid.String()}, nil
}

// signDeviceIdentity builds the ADVSignedDeviceIdentityHMAC of pair-success: the account signs the companion's
// identity key, and the HMAC with the QR's secret proves the phone read that very QR.
func signDeviceIdentity(acct *account, comp companion, keyIndex uint32, now time.Time) (container, details []byte, err error) {
	details, err = proto.Marshal(&waAdv.ADVDeviceIdentity{
		RawID:       proto.Uint32(acct.rawID),
		Timestamp:   proto.Uint64(uint64(now.Unix())),
		KeyIndex:    proto.Uint32(keyIndex),
		AccountType: waAdv.ADVEncryptionType_E2EE.Enum(),
		DeviceType:  waAdv.ADVEncryptionType_E2EE.Enum(),
	})
	if err != nil {
		return nil, nil, err
	}
	accountSig := ecc.CalculateSignature(ecc.NewDjbECPrivateKey(*acct.identity.Priv),
		concat(advAccountSignaturePrefix, details, comp.identity[:]))
	signed, err := proto.Marshal(&waAdv.ADVSignedDeviceIdentity{
		Details: details, AccountSignatureKey: acct.identity.Pub[:], AccountSignature: accountSig[:],
	})
	if err != nil {
		return nil, nil, err
	}
	mac := hmac.New(sha256.New, comp.advSecret)
	mac.Write(signed)
	container, err = proto.Marshal(&waAdv.ADVSignedDeviceIdentityHMAC{
		Details: signed, HMAC: mac.Sum(nil), AccountType: waAdv.ADVEncryptionType_E2EE.Enum(),
	})
	return container, details, err
}

// pairSuccessNode needs a string id (whatsmeow asserts it unchecked), t, and exactly one child.
func pairSuccessNode(id string, container []byte, jid, lid types.JID, now time.Time) waBinary.Node {
	return waBinary.Node{
		Tag:   "iq",
		Attrs: waBinary.Attrs{"from": types.ServerJID, "type": "set", "id": id, "xmlns": "md", "t": strconv.FormatInt(now.Unix(), 10)},
		Content: []waBinary.Node{{Tag: "pair-success", Content: []waBinary.Node{
			{Tag: "device-identity", Content: container},
			{Tag: "platform", Attrs: waBinary.Attrs{"name": "android"}},
			{Tag: "device", Attrs: waBinary.Attrs{"jid": jid, "lid": lid}},
		}}},
	}
}

// verifyDeviceSign checks the companion's pair-device-sign: the identity we sent, signed by its own key.
func verifyDeviceSign(resp *waBinary.Node, details []byte, companionKey, accountKey [32]byte) error {
	child, ok := resp.GetOptionalChildByTag("pair-device-sign", "device-identity")
	if !ok {
		return errors.New("answer to pair-success has no pair-device-sign")
	}
	raw, ok := child.Content.([]byte)
	if !ok {
		return errors.New("pair-device-sign carries no bytes")
	}
	var signed waAdv.ADVSignedDeviceIdentity
	if err := proto.Unmarshal(raw, &signed); err != nil {
		return fmt.Errorf("pair-device-sign: %w", err)
	}
	if !bytes.Equal(signed.GetDetails(), details) {
		return errors.New("pair-device-sign signs other details than we sent")
	}
	if len(signed.GetDeviceSignature()) != 64 || !ecc.VerifySignature(ecc.NewDjbECPublicKey(companionKey),
		concat(advDeviceSignaturePrefix, details, companionKey[:], accountKey[:]), [64]byte(signed.GetDeviceSignature())) {
		return errors.New("device signature does not verify with the companion's identity key")
	}
	return nil
}

// iqError reads <iq type=error><error code text/></iq>.
func iqError(resp *waBinary.Node) (int, string) {
	errNode, _ := resp.GetOptionalChildByTag("error")
	ag := errNode.AttrGetter()
	return ag.OptionalInt("code"), ag.OptionalString("text")
}

func failureNode(reason int) waBinary.Node {
	return waBinary.Node{Tag: "failure", Attrs: waBinary.Attrs{"reason": strconv.Itoa(reason)}}
}

func concat(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}
