package main

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"
)

func TestEachWhatsmeowErrorMapsToItsCode(t *testing.T) {
	cases := []struct {
		err  error
		want errorCode
	}{
		{whatsmeow.ErrNotConnected, codeNotConnected},
		{whatsmeow.ErrIQDisconnected, codeNotConnected},
		{&whatsmeow.DisconnectedError{Action: "info query (retry)"}, codeNotConnected},
		{whatsmeow.ErrAlreadyConnected, codeAlreadyConnected},
		{whatsmeow.ErrNotLoggedIn, codeNotLoggedIn},
		{whatsmeow.ErrIQTimedOut, codeTimedOut},
		{context.DeadlineExceeded, codeTimedOut},
		{whatsmeow.ErrPhoneNumberTooShort, codePhoneNumberTooShort},
		{whatsmeow.ErrPhoneNumberIsNotInternational, codePhoneNumberNotInternational},
		{whatsmeow.ErrIQRateOverLimit, codeRateLimited},
		// What sendIQ returns for a refusal: a fresh IQError, equal to the sentinel by status.
		{&whatsmeow.IQError{Code: 429, Text: "rate-overlimit"}, codeRateLimited},
		{&whatsmeow.IQError{Code: 400, Text: "bad-request"}, codeRefusedByWhatsApp},
		{whatsmeow.ErrIQInternalServerError, codeRefusedByWhatsApp},
		{&whatsmeow.ElementMissingError{Tag: "link_code_pairing_ref", In: "response"}, codeUnexpectedAnswer},
		{store.ErrDeviceDeleted, codeDeviceDeleted},
		{whatsmeow.ErrPairInvalidDeviceIdentityHMAC, codePairInvalidHMAC},
		{whatsmeow.ErrPairInvalidDeviceSignature, codePairInvalidSignature},
		{whatsmeow.ErrPairRejectedLocally, codePairRejectedLocally},
		{&whatsmeow.PairProtoError{Message: "bad identity", ProtoErr: errors.New("proto: cannot parse")},
			codePairMalformed},
		{&whatsmeow.PairDatabaseError{Message: "saving", DBErr: errors.New("disk full")}, codeStoreFailure},
		{errors.New("something whatsmeow has no name for"), codeUnclassified},
	}
	for _, tc := range cases {
		if got := classify(tc.err); got != tc.want {
			t.Errorf("classify(%v) = %s, want %s", tc.err, got, tc.want)
		}
		// Wrapped with context on the way up, as the bridge's calls do.
		if got := classify(fmt.Errorf("asking WhatsApp for a linking code: %w", tc.err)); got != tc.want {
			t.Errorf("classify(wrapped %v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

func TestTheBridgesOwnCodeWinsOverWhatItWraps(t *testing.T) {
	err := failure(codeStoreFailure, "deleting the device of number 6: %w", store.ErrDeviceDeleted)
	if got := classify(fmt.Errorf("logout: %w", err)); got != codeStoreFailure {
		t.Fatalf("classify = %s", got)
	}
	if withCode(codeStoreFailure, nil) != nil {
		t.Fatal("withCode made an error out of nothing")
	}
}

func TestAFailedCallAnswersItsCodeAndTheMessage(t *testing.T) {
	b := newBridge()
	got := answer(t, b.call("x", func() (result, error) {
		return nil, fmt.Errorf("asking WhatsApp for a linking code: %w", whatsmeow.ErrIQTimedOut)
	}))
	want := map[string]any{"ok": false, "code": "TIMED_OUT",
		"error": "asking WhatsApp for a linking code: info query timed out"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("answer = %v, want %v", got, want)
	}
}

// whatsmeow's own checks, through a real client: the code comes from its sentinel, not from its wording.
func TestAPairingCodeRequestFailsWithWhatsmeowsCode(t *testing.T) {
	b, _ := openBridge(t, nil)
	handle := int64(createClient(t, b, 6, "+221771234567")["handle"].(float64))
	pair := func(phone string) []byte {
		return b.call("pair", func() (result, error) {
			return b.withClient(handle, func(c *bridgeClient) (result, error) { return c.pairPhone(phone) })
		})
	}
	mustFail(t, pair("+22177"), codePhoneNumberTooShort, "asking WhatsApp for a linking code")
	mustFail(t, pair("0771234567"), codePhoneNumberNotInternational, "asking WhatsApp for a linking code")
	mustFail(t, pair("+221771234567"), codeNotConnected, "asking WhatsApp for a linking code")
}

func TestPairErrorEventsCarryTheirCode(t *testing.T) {
	b, _ := openBridge(t, nil)
	client, _ := b.registry.client(int64(createClient(t, b, 6, "+221771234567")["handle"].(float64)))
	cases := []struct {
		err  error
		want errorCode
	}{
		{whatsmeow.ErrPairInvalidDeviceSignature, codePairInvalidSignature},
		{whatsmeow.ErrPairInvalidDeviceIdentityHMAC, codePairInvalidHMAC},
		// Refused by our pre-pair hook without a scan it saw: not a phone mismatch, but still named.
		{whatsmeow.ErrPairRejectedLocally, codePairRejectedLocally},
		{&whatsmeow.PairDatabaseError{Message: "saving", DBErr: errors.New("disk full")}, codeStoreFailure},
	}
	for _, tc := range cases {
		err, want := tc.err, tc.want
		client.onEvent(&events.PairError{Error: err})
		got := nextEvent(t, b, time.Second)
		if got["type"] != "pair_error" || got["code"] != string(want) || got["reason"] != err.Error() {
			t.Fatalf("%v: event = %v, want code %s", err, got, want)
		}
	}
}

// declaredCodes reads the errorCode constants of errors.go, so that the lists checked against it cannot drift.
func declaredCodes(t *testing.T) []string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			value := spec.(*ast.ValueSpec)
			if ident, ok := value.Type.(*ast.Ident); !ok || ident.Name != "errorCode" {
				continue
			}
			code, err := strconv.Unquote(value.Values[0].(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	return codes
}

func TestEveryCodeIsDocumentedAndNoOtherIs(t *testing.T) {
	doc, err := os.ReadFile("../../../../docs/NATIVE-BRIDGE.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, match := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\|").FindAllSubmatch(doc, -1) {
		documented = append(documented, string(match[1]))
	}
	slices.Sort(documented)
	if declared := declaredCodes(t); len(declared) < 20 || !slices.Equal(declared, documented) {
		t.Fatalf("errors.go declares %v,\ndocs/NATIVE-BRIDGE.md's code table lists %v", declared, documented)
	}
}
