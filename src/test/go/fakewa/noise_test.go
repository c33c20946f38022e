package main

import (
	"bytes"
	"testing"

	"go.mau.fi/whatsmeow/socket"
	"go.mau.fi/whatsmeow/util/keys"
)

// TestSymmetricStateMatchesWhatsmeow runs whatsmeow's own client-side NoiseHandshake against our server-side
// state through the XX message sequence, including the client static sealed at counter 1.
func TestSymmetricStateMatchesWhatsmeow(t *testing.T) {
	clientEphemeral, clientStatic := keys.NewKeyPair(), keys.NewKeyPair()
	serverEphemeral, serverStatic := keys.NewKeyPair(), keys.NewKeyPair()
	client := socket.NewNoiseHandshake()
	client.Start(socket.NoiseStartPattern, socket.WAConnHeader)
	client.Authenticate(clientEphemeral.Pub[:])

	server, err := newSymmetricState(socket.NoiseStartPattern, socket.WAConnHeader)
	if err != nil {
		t.Fatal(err)
	}
	server.mixHash(clientEphemeral.Pub[:])
	server.mixHash(serverEphemeral.Pub[:])
	must(t, server.mixDH(*serverEphemeral.Priv, *clientEphemeral.Pub))
	sealedStatic := server.encrypt(serverStatic.Pub[:])
	must(t, server.mixDH(*serverStatic.Priv, *clientEphemeral.Pub))
	sealedCert := server.encrypt([]byte("certificate chain"))

	client.Authenticate(serverEphemeral.Pub[:])
	must(t, client.MixSharedSecretIntoKey(*clientEphemeral.Priv, *serverEphemeral.Pub))
	static, err := client.Decrypt(sealedStatic)
	if err != nil || !bytes.Equal(static, serverStatic.Pub[:]) {
		t.Fatalf("client reads our static as %x (%v)", static, err)
	}
	must(t, client.MixSharedSecretIntoKey(*clientEphemeral.Priv, *serverStatic.Pub))
	if cert, err := client.Decrypt(sealedCert); err != nil || string(cert) != "certificate chain" {
		t.Fatalf("client reads our certificate as %q (%v)", cert, err)
	}
	sealedClientStatic := client.Encrypt(clientStatic.Pub[:])
	must(t, client.MixSharedSecretIntoKey(*clientStatic.Priv, *serverEphemeral.Pub))
	sealedPayload := client.Encrypt([]byte("client payload"))

	got, err := server.decrypt(sealedClientStatic)
	if err != nil || !bytes.Equal(got, clientStatic.Pub[:]) {
		t.Fatalf("we read the client static as %x (%v)", got, err)
	}
	must(t, server.mixDH(*serverEphemeral.Priv, *clientStatic.Pub))
	if payload, err := server.decrypt(sealedPayload); err != nil || string(payload) != "client payload" {
		t.Fatalf("we read the payload as %q (%v)", payload, err)
	}
	if _, _, err = server.split(); err != nil {
		t.Fatal(err)
	}
}

func TestSymmetricStateRejectsTampering(t *testing.T) {
	a, err := newSymmetricState(socket.NoiseStartPattern, socket.WAConnHeader)
	must(t, err)
	b, err := newSymmetricState(socket.NoiseStartPattern, socket.WAConnHeader)
	must(t, err)
	sealed := a.encrypt([]byte("hello"))
	sealed[0] ^= 1
	if _, err = b.decrypt(sealed); err == nil {
		t.Fatal("a tampered ciphertext decrypted")
	}
	if _, err = newSymmetricState("too short", nil); err == nil {
		t.Fatal("a pattern that is not 32 bytes was accepted")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
