package main

import (
	"fmt"
	"regexp"
	"strings"

	waLog "go.mau.fi/whatsmeow/util/log"
)

type logLevel int

const (
	levelDebug logLevel = iota
	levelInfo
	levelWarn
	levelError
	levelOff
)

var levelNames = map[string]logLevel{
	"DEBUG": levelDebug, "INFO": levelInfo, "WARN": levelWarn, "ERROR": levelError, "OFF": levelOff,
}

func parseLogLevel(name string) (logLevel, error) {
	if name == "" {
		return levelInfo, nil
	}
	level, ok := levelNames[strings.ToUpper(name)]
	if !ok {
		return 0, failure(codeBadArgument, "unknown log level %q (expected DEBUG, INFO, WARN, ERROR or OFF)", name)
	}
	return level, nil
}

func (l logLevel) String() string {
	for name, level := range levelNames {
		if level == l {
			return name
		}
	}
	return "UNKNOWN"
}

// qrPayload matches a whatsmeow pairing string: ref, then three base64 32-byte keys (noise, identity, adv secret).
var qrPayload = regexp.MustCompile(`[^\s,"'<>]+,[A-Za-z0-9+/]{43}=,[A-Za-z0-9+/]{43}=,[A-Za-z0-9+/]{43}=`)

// redactQr replaces anything shaped like a pairing string: a QR payload is a credential and never leaves as a log.
func redactQr(message string) string {
	return qrPayload.ReplaceAllString(message, "[QR redacted]")
}

// bridgeLogger turns whatsmeow's log lines into "log" events, so that they reach SLF4J on the JVM side.
type bridgeLogger struct {
	emit   func(level logLevel, module, message string)
	module string
	min    logLevel
}

var _ waLog.Logger = (*bridgeLogger)(nil)

func (l *bridgeLogger) Errorf(msg string, args ...any) { l.log(levelError, msg, args) }
func (l *bridgeLogger) Warnf(msg string, args ...any)  { l.log(levelWarn, msg, args) }
func (l *bridgeLogger) Infof(msg string, args ...any)  { l.log(levelInfo, msg, args) }
func (l *bridgeLogger) Debugf(msg string, args ...any) { l.log(levelDebug, msg, args) }

func (l *bridgeLogger) Sub(module string) waLog.Logger {
	name := module
	if l.module != "" {
		name = l.module + "/" + module
	}
	return &bridgeLogger{emit: l.emit, module: name, min: l.min}
}

// promotedDebugLines are whatsmeow DEBUG lines an operator must see, rewritten for them: WhatsApp sent
// something this whatsmeow does not understand, often the first sign of a protocol change (such as the
// companion_reg_refresh notification during pairing). %q quotes the server's tag, control characters escaped.
var promotedDebugLines = map[string]string{
	"Unhandled notification with type %s": "WhatsApp sent a notification the bridge does not understand: type %q",
	"Didn't handle WhatsApp node %s":      "WhatsApp sent a node the bridge does not understand: tag %q",
}

func (l *bridgeLogger) log(level logLevel, msg string, args []any) {
	if promoted, ok := promotedDebugLines[msg]; ok && level == levelDebug {
		level, msg = levelWarn, promoted
	}
	if level < l.min || l.min == levelOff {
		return
	}
	// The Recv/Send loggers dump whole protocol frames at DEBUG: pairing refs, keys and message bodies. They are
	// of no use to an operator and too sensitive to forward, whatever the configured level.
	if level == levelDebug && (strings.HasSuffix(l.module, "/Recv") || strings.HasSuffix(l.module, "/Send")) {
		return
	}
	l.emit(level, l.module, redactQr(fmt.Sprintf(msg, args...)))
}
