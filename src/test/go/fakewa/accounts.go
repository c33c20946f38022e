package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/util/keys"
)

// maxDeviceNumber is the highest companion device number: the binary encoding of an AD-JID keeps it in one byte.
const maxDeviceNumber = 255

// firstLIDUser is where LID users start; real LIDs are 14-15 digit numbers unrelated to the phone number.
const firstLIDUser = 100000000000001

var errNoFreeDevice = errors.New("all 255 device numbers of this account are in use")

// account is the phone side of a WhatsApp account: one identity key signs every companion it links.
type account struct {
	phone    string // digits only
	identity *keys.KeyPair
	lidUser  string
	rawID    uint32
	keyIndex uint32
	passkey  bool
	ban      *banScript
	taken    map[uint16]bool // device numbers linked or being linked
}

type banScript struct {
	Code          int `json:"code"`
	ExpireSeconds int `json:"expireSeconds"`
}

// device is a linked companion, recorded when the client signed the pairing.
type device struct {
	account     *account
	jid, lid    types.JID
	noiseKey    [32]byte // the client's Noise static key: a login must come from the same key
	identityKey [32]byte // the companion identity the account signed, kept as the phone keeps it
	preKeys     int      // keys the client uploaded, answered to its count queries
	conn        *session // the live logged-in connection, nil when offline
}

// qrRef is one ref sent in a pair-device batch.
type qrRef struct {
	owner   *session
	expires time.Time // sending time plus the batch's lifetime
	used    bool
}

// registry holds all state shared between connections and the control API under one lock: the operations are
// short and the counts small (hundreds of connections), so finer locking would buy nothing.
type registry struct {
	mu           sync.Mutex
	accounts     map[string]*account
	devices      map[types.JID]*device
	refs         map[string]*qrRef
	codeRequests map[string]*codeRequest // pending pairing-code requests by phone number
	sessions     map[*session]struct{}
	nextLIDUser  uint64
}

func newRegistry() *registry {
	return &registry{
		accounts:     make(map[string]*account),
		devices:      make(map[types.JID]*device),
		refs:         make(map[string]*qrRef),
		codeRequests: make(map[string]*codeRequest),
		sessions:     make(map[*session]struct{}),
		nextLIDUser:  firstLIDUser,
	}
}

// normalizePhone keeps the digits of an international number, as whatsmeow's PairPhone does, and rejects what
// cannot be a phone number's JID user.
func normalizePhone(phone string) (string, error) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
	if len(digits) < 7 || len(digits) > 15 || digits[0] == '0' {
		return "", errors.New("phoneNumber must be an international number such as +221771234567")
	}
	return digits, nil
}

// account returns the account of a phone number, creating it (and its identity key) on first use.
func (r *registry) account(phone string) *account {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accountLocked(phone)
}

func (r *registry) accountLocked(phone string) *account {
	if acct, ok := r.accounts[phone]; ok {
		return acct
	}
	var raw [4]byte
	_, _ = rand.Read(raw[:])
	acct := &account{
		phone:    phone,
		identity: keys.NewKeyPair(),
		lidUser:  strconv.FormatUint(r.nextLIDUser, 10),
		rawID:    binary.BigEndian.Uint32(raw[:]),
		taken:    make(map[uint16]bool),
	}
	r.nextLIDUser++
	r.accounts[phone] = acct
	return acct
}

// script sets an account's passkey demand and ban, returning its live connections so the caller can drop them.
func (r *registry) script(phone string, passkey bool, ban *banScript) []*session {
	r.mu.Lock()
	defer r.mu.Unlock()
	acct := r.accountLocked(phone)
	acct.passkey, acct.ban = passkey, ban
	if ban == nil {
		return nil
	}
	return r.liveSessionsLocked(phone)
}

func (r *registry) passkeyDemanded(acct *account) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return acct.passkey
}

// reserveDevice takes the lowest free device number of the account and the next ADV key index.
func (r *registry) reserveDevice(acct *account) (uint16, uint32, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for n := uint16(1); n <= maxDeviceNumber; n++ {
		if !acct.taken[n] {
			acct.taken[n] = true
			acct.keyIndex++
			return n, acct.keyIndex, nil
		}
	}
	return 0, 0, errNoFreeDevice
}

func (r *registry) releaseDevice(acct *account, n uint16) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(acct.taken, n)
}

// addDevice records a companion that completed pairing; its connection is no longer a pairing one.
func (r *registry) addDevice(d *device, pairedOn *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.devices[d.jid] = d
	pairedOn.pairing = false
}

// login attaches a connection to a known device if its Noise key is the one recorded at pairing.
func (r *registry) login(jid types.JID, noiseKey [32]byte) (*device, *banScript, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.devices[jid]
	if !ok || d.noiseKey != noiseKey {
		return nil, nil, false
	}
	return d, d.account.ban, true
}

func (r *registry) attach(d *device, s *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d.conn = s
	s.device = d
}

func (r *registry) deviceOf(s *session) *device {
	r.mu.Lock()
	defer r.mu.Unlock()
	return s.device
}

func (r *registry) preKeyCount(d *device) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return d.preKeys
}

func (r *registry) addPreKeys(d *device, n int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	d.preKeys += n
	return d.preKeys
}

// forget removes every device of a phone number and returns the live connections they had.
func (r *registry) forget(phone string) (int, []*session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	live := r.liveSessionsLocked(phone)
	n := 0
	for jid, d := range r.devices {
		if d.account.phone == phone {
			delete(r.devices, jid)
			delete(d.account.taken, jid.Device)
			n++
		}
	}
	return n, live
}

// liveSessions returns the logged-in connections of a phone number's devices, and whether it has any device.
func (r *registry) liveSessions(phone string) ([]*session, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	known := false
	for _, d := range r.devices {
		known = known || d.account.phone == phone
	}
	return r.liveSessionsLocked(phone), known
}

func (r *registry) liveSessionsLocked(phone string) []*session {
	var live []*session
	for _, d := range r.devices {
		if d.account.phone == phone && d.conn != nil {
			live = append(live, d.conn)
		}
	}
	return live
}

type deviceView struct {
	PhoneNumber string `json:"phoneNumber"`
	JID         string `json:"jid"`
	LID         string `json:"lid"`
	Connected   bool   `json:"connected"`
}

func (r *registry) listDevices() []deviceView {
	r.mu.Lock()
	defer r.mu.Unlock()
	views := make([]deviceView, 0, len(r.devices))
	for _, d := range r.devices {
		views = append(views, deviceView{
			PhoneNumber: "+" + d.account.phone, JID: d.jid.String(), LID: d.lid.String(), Connected: d.conn != nil,
		})
	}
	slices.SortFunc(views, func(a, b deviceView) int { return strings.Compare(a.JID, b.JID) })
	return views
}

// addSession tracks a connection from the end of its handshake; pairing marks a new device's connection.
func (r *registry) addSession(s *session, pairing bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s.pairing = pairing
	r.sessions[s] = struct{}{}
}

// removeSession drops everything that lives only as long as a connection: its refs, its code request, and the
// connected mark of its device.
func (r *registry) removeSession(s *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sessions, s)
	for _, ref := range s.refs {
		delete(r.refs, ref)
	}
	if s.code != nil && r.codeRequests[s.code.phone] == s.code {
		delete(r.codeRequests, s.code.phone)
	}
	if s.device != nil && s.device.conn == s {
		s.device.conn = nil
	}
}

func (r *registry) pairingSessions() []*session {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*session
	for s := range r.sessions {
		if s.pairing {
			out = append(out, s)
		}
	}
	return out
}

func (r *registry) allSessions() []*session {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*session, 0, len(r.sessions))
	for s := range r.sessions {
		out = append(out, s)
	}
	return out
}

// newRefs issues n unique refs for a connection. Refs are printable and comma-free because whatsmeow puts them
// into the QR text unescaped, in front of a comma.
func (r *registry) newRefs(s *session, n int, now time.Time, lifetime time.Duration) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	refs := make([]string, 0, n)
	for len(refs) < n {
		ref := "2@" + randomToken(24)
		if _, dup := r.refs[ref]; dup {
			continue
		}
		r.refs[ref] = &qrRef{owner: s, expires: now.Add(lifetime)}
		refs = append(refs, ref)
	}
	s.refs = append(s.refs, refs...)
	return refs
}

var errUnknownRef = errors.New("unknown, expired or already used ref")

// claimRef marks a ref used and returns its connection if it is still valid at now.
func (r *registry) claimRef(ref string, now time.Time) (*session, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	q, ok := r.refs[ref]
	if !ok || q.used || now.After(q.expires) || !q.owner.pairing {
		return nil, errUnknownRef
	}
	q.used = true
	return q.owner, nil
}

func (r *registry) putCodeRequest(req *codeRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := req.owner.code; old != nil && r.codeRequests[old.phone] == old {
		delete(r.codeRequests, old.phone)
	}
	req.owner.code = req
	r.codeRequests[req.phone] = req
}

func (r *registry) codeRequestFor(phone string) *codeRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.codeRequests[phone]
}

func (r *registry) sessionCodeRequest(s *session) *codeRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return s.code
}

func (r *registry) removeCodeRequest(req *codeRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.codeRequests[req.phone] == req {
		delete(r.codeRequests, req.phone)
	}
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
