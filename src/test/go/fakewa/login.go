package main

import (
	"strconv"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waWa6"
)

// startLogin admits a known device: the Noise key must be the one it paired with, the version recent enough and
// the account not banned. A refused client gets a <failure> and, a moment later, the close.
func (s *session) startLogin(payload *waWa6.ClientPayload) bool {
	jid := loginJID(payload)
	dev, ban, ok := s.srv.state.login(jid, s.clientStatic)
	switch {
	case !ok:
		s.logf("login of %s refused: unknown device or different noise key", jid)
		s.terminate(failureNode(401))
		return false
	case s.srv.outdated(appTertiary(payload)):
		s.logf("login of %s refused: client version %d is below the minimum", jid, appTertiary(payload))
		s.terminate(failureNode(405))
		return false
	case ban != nil:
		s.logf("login of %s refused: account banned (code %d)", jid, ban.Code)
		s.terminate(waBinary.Node{Tag: "failure", Attrs: waBinary.Attrs{
			"reason": "402", "code": strconv.Itoa(ban.Code), "expire": strconv.Itoa(ban.ExpireSeconds),
		}})
		return false
	}
	s.srv.state.addSession(s, false)
	s.srv.state.attach(dev, s)
	s.logf("logged in %s", jid)
	return s.send(waBinary.Node{Tag: "success", Attrs: waBinary.Attrs{
		"t": strconv.FormatInt(s.srv.cfg.Now().Unix(), 10), "lid": dev.lid,
	}})
}

// answerEncrypt keeps the real pre-key count of the device, so whatsmeow uploads only when it runs low instead
// of on every login.
func (s *session) answerEncrypt(node *waBinary.Node) {
	dev := s.srv.state.deviceOf(s)
	switch {
	case dev != nil && hasChild(node, "count"):
		count := s.srv.state.preKeyCount(dev)
		s.reply(node, []waBinary.Node{{Tag: "count", Attrs: waBinary.Attrs{"value": strconv.Itoa(count)}}})
	case dev != nil && hasChild(node, "list"):
		list := node.GetChildByTag("list")
		total := s.srv.state.addPreKeys(dev, len(list.GetChildrenByTag("key")))
		s.logf("%s uploaded pre-keys, now %d", dev.jid, total)
		s.reply(node, nil)
	default:
		s.reply(node, nil)
	}
}

// deviceRemovedNode is the stream error that tells a companion it was unlinked from the phone.
var deviceRemovedNode = waBinary.Node{
	Tag: "stream:error", Attrs: waBinary.Attrs{"code": "401"},
	Content: []waBinary.Node{{Tag: "conflict", Attrs: waBinary.Attrs{"type": "device_removed"}}},
}
