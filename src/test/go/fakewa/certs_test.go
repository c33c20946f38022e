package main

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.mau.fi/libsignal/ecc"
	"google.golang.org/protobuf/proto"

	"go.mau.fi/whatsmeow/proto/waCert"
	"go.mau.fi/whatsmeow/util/keys"
)

// verifyChain repeats, in order, the checks of whatsmeow's handshake.go:verifyServerCert and checkCertValidity.
func verifyChain(raw []byte, root, static [32]byte, now time.Time) error {
	var chain waCert.CertChain
	if err := proto.Unmarshal(raw, &chain); err != nil {
		return err
	}
	interRaw, interSig := chain.GetIntermediate().GetDetails(), chain.GetIntermediate().GetSignature()
	leafRaw, leafSig := chain.GetLeaf().GetDetails(), chain.GetLeaf().GetSignature()
	if interRaw == nil || interSig == nil || leafRaw == nil || leafSig == nil || len(interSig) != 64 || len(leafSig) != 64 {
		return errors.New("missing parts")
	}
	if !ecc.VerifySignature(ecc.NewDjbECPublicKey(root), interRaw, [64]byte(interSig)) {
		return errors.New("intermediate signature")
	}
	var inter, leaf waCert.CertChain_NoiseCertificate_Details
	if err := proto.Unmarshal(interRaw, &inter); err != nil {
		return err
	}
	if inter.GetIssuerSerial() != 0 || len(inter.GetKey()) != 32 {
		return errors.New("intermediate issuer serial or key")
	}
	if !ecc.VerifySignature(ecc.NewDjbECPublicKey([32]byte(inter.GetKey())), leafRaw, [64]byte(leafSig)) {
		return errors.New("leaf signature")
	}
	if err := validAt(&inter, now); err != nil {
		return fmt.Errorf("intermediate %w", err)
	}
	if err := proto.Unmarshal(leafRaw, &leaf); err != nil {
		return err
	}
	if leaf.GetIssuerSerial() != inter.GetSerial() {
		return errors.New("leaf issuer serial")
	}
	if !hmac.Equal(leaf.GetKey(), static[:]) {
		return errors.New("leaf key is not the static key")
	}
	return validAt(&leaf, now)
}

func validAt(cert *waCert.CertChain_NoiseCertificate_Details, now time.Time) error {
	if now.Before(time.Unix(int64(cert.GetNotBefore()), 0)) || now.After(time.Unix(int64(cert.GetNotAfter()), 0)) {
		return errors.New("not valid now")
	}
	return nil
}

func TestCertChainVerifiesLikeWhatsmeow(t *testing.T) {
	root, static := keys.NewKeyPair(), keys.NewKeyPair()
	now := time.Now()
	chain, err := buildCertChain(root, *static.Pub, now)
	if err != nil {
		t.Fatal(err)
	}
	if err = verifyChain(chain, *root.Pub, *static.Pub, now); err != nil {
		t.Fatalf("chain does not verify: %v", err)
	}
	if err = verifyChain(chain, *keys.NewKeyPair().Pub, *static.Pub, now); err == nil {
		t.Fatal("chain verifies under another root")
	}
	if err = verifyChain(chain, *root.Pub, *keys.NewKeyPair().Pub, now); err == nil {
		t.Fatal("chain verifies for another static key")
	}
	if err = verifyChain(chain, *root.Pub, *static.Pub, now.Add(-2*certClockSkew)); err == nil {
		t.Fatal("chain valid before its notBefore")
	}
	if err = verifyChain(chain, *root.Pub, *static.Pub, now.Add(certValidity+time.Hour)); err == nil {
		t.Fatal("chain valid after its notAfter")
	}
}
