package main

import (
	"strconv"

	"go.mau.fi/whatsmeow/proto/waWa6"
	"go.mau.fi/whatsmeow/types"
)

// appTertiary is the N of the client's 2.3000.N version, the part that moves with every WhatsApp Web release.
func appTertiary(payload *waWa6.ClientPayload) uint32 {
	return payload.GetUserAgent().GetAppVersion().GetTertiary()
}

// loginJID is the device a known client claims to be: its phone number and device number.
func loginJID(payload *waWa6.ClientPayload) types.JID {
	return types.JID{
		User:   strconv.FormatUint(payload.GetUsername(), 10),
		Device: uint16(payload.GetDevice()),
		Server: types.DefaultUserServer,
	}
}
