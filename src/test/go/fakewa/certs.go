package main

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"

	"go.mau.fi/libsignal/ecc"
	signalLogger "go.mau.fi/libsignal/logger"
	"google.golang.org/protobuf/proto"

	"go.mau.fi/whatsmeow/proto/waCert"
	"go.mau.fi/whatsmeow/util/keys"
)

// certValidity is how long the chain we issue at start stays valid; the skew allowance covers clients whose
// clock runs a little behind ours.
const (
	certValidity  = 10 * 365 * 24 * time.Hour
	certClockSkew = time.Hour
)

// libsignal installs its default logger lazily on first use, unsynchronised, and ecc logs on every signature:
// concurrent signing (several pairings, several servers in tests) would race on that global. Installing a
// logger before any goroutine starts removes the lazy write.
func init() {
	signalLogger.Logger = silentSignalLogger{}
}

type silentSignalLogger struct{}

func (silentSignalLogger) Debug(string, string)   {}
func (silentSignalLogger) Info(string, string)    {}
func (silentSignalLogger) Warning(string, string) {}
func (silentSignalLogger) Error(string, string)   {}
func (silentSignalLogger) Configure(string)       {}

// buildCertChain issues the chain the client checks in handshake.go:verifyServerCert: an intermediate signed by
// the root (issuer serial 0, as WACertIssuerSerial demands) and a leaf for our Noise static key signed by the
// intermediate. Signatures are XEdDSA over Curve25519 keys, as libsignal's ecc computes them.
func buildCertChain(root *keys.KeyPair, leafKey [32]byte, now time.Time) ([]byte, error) {
	intermediate := keys.NewKeyPair()
	intermediateSerial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	intermediateCert, err := signCert(root, &waCert.CertChain_NoiseCertificate_Details{
		Serial: proto.Uint32(intermediateSerial), IssuerSerial: proto.Uint32(0), Key: intermediate.Pub[:],
		NotBefore: proto.Uint64(uint64(now.Add(-certClockSkew).Unix())), NotAfter: proto.Uint64(uint64(now.Add(certValidity).Unix())),
	})
	if err != nil {
		return nil, err
	}
	leafCert, err := signCert(intermediate, &waCert.CertChain_NoiseCertificate_Details{
		Serial: proto.Uint32(intermediateSerial + 1), IssuerSerial: proto.Uint32(intermediateSerial), Key: leafKey[:],
		NotBefore: proto.Uint64(uint64(now.Add(-certClockSkew).Unix())), NotAfter: proto.Uint64(uint64(now.Add(certValidity).Unix())),
	})
	if err != nil {
		return nil, err
	}
	return proto.Marshal(&waCert.CertChain{Intermediate: intermediateCert, Leaf: leafCert})
}

func signCert(issuer *keys.KeyPair, details *waCert.CertChain_NoiseCertificate_Details) (*waCert.CertChain_NoiseCertificate, error) {
	raw, err := proto.Marshal(details)
	if err != nil {
		return nil, fmt.Errorf("marshal certificate details: %w", err)
	}
	signature := ecc.CalculateSignature(ecc.NewDjbECPrivateKey(*issuer.Priv), raw)
	return &waCert.CertChain_NoiseCertificate{Details: raw, Signature: signature[:]}, nil
}

// randomSerial picks a non-zero serial below 2^31 so that serial+1 cannot wrap and never equals the root's 0.
func randomSerial() (uint32, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b[:])>>1 | 1, nil
}
