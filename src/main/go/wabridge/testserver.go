package main

import (
	"encoding/base64"

	"go.mau.fi/whatsmeow"
)

// whatsAppRootKey is the key WhatsApp signs its servers' certificates with, as whatsmeow ships it.
var whatsAppRootKey = whatsmeow.WACertPubKey

// trustRootKey makes the handshake accept certificates signed by a stand-in server's root key (base64, 32
// bytes), or by WhatsApp's own when the key is empty. whatsmeow checks every server's certificate chain against
// the package variable WACertPubKey; it is read by each handshake, so this is set before any client connects.
func trustRootKey(encoded string) error {
	if encoded == "" {
		whatsmeow.WACertPubKey = whatsAppRootKey
		return nil
	}
	key, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || len(key) != len(whatsmeow.WACertPubKey) {
		return failure(codeBadArgument, "testServerRootKey must be the base64 of %d bytes", len(whatsmeow.WACertPubKey))
	}
	whatsmeow.WACertPubKey = [32]byte(key)
	return nil
}
