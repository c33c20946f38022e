package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"go.mau.fi/whatsmeow/socket"
)

// redirectingHTTPClient sends every websocket connection to target instead of WhatsApp's address. whatsmeow's
// websocket URL is a constant, so we redirect at the dialer: a ws:// target gets a plain TCP connection even
// though whatsmeow asks for wss:// (a local fake server needs no certificate), a wss:// target gets TLS.
func redirectingHTTPClient(target string) (*http.Client, error) {
	parsed, err := url.Parse(target)
	if err != nil {
		return nil, failure(codeBadArgument, "websocketUrl %q: %w", target, err)
	}
	address := parsed.Host
	if parsed.Port() == "" {
		switch parsed.Scheme {
		case "ws":
			address = net.JoinHostPort(parsed.Hostname(), "80")
		case "wss":
			address = net.JoinHostPort(parsed.Hostname(), "443")
		}
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	plain := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, address)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	transport.DialContext = plain
	switch parsed.Scheme {
	case "ws":
		transport.DialTLSContext = plain
	case "wss":
		tlsDialer := &tls.Dialer{NetDialer: dialer, Config: &tls.Config{ServerName: parsed.Hostname()}}
		transport.DialTLSContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return tlsDialer.DialContext(ctx, network, address)
		}
	default:
		return nil, failure(codeBadArgument, "websocketUrl %q: the scheme must be ws or wss", target)
	}
	return &http.Client{Transport: transport}, nil
}

// validateProxy accepts what whatsmeow's SetProxyAddress does: http(s):// and socks5:// URLs, or nothing.
func validateProxy(proxy string) error {
	if proxy == "" {
		return nil
	}
	parsed, err := url.Parse(proxy)
	if err != nil {
		return failure(codeBadArgument, "proxy %q: %w", proxy, err)
	}
	switch parsed.Scheme {
	case "http", "https", "socks5":
		if parsed.Host == "" {
			return failure(codeBadArgument, "proxy %q has no host", proxy)
		}
		return nil
	default:
		return failure(codeBadArgument, "proxy %q: the scheme must be http, https or socks5", proxy)
	}
}

// describeConnectError names the kind of failure first, so that an operator reading "CONNECT_FAILED" knows
// whether to look at DNS, a firewall, a TLS-intercepting proxy or WhatsApp itself.
func describeConnectError(err error) string {
	var dnsErr *net.DNSError
	var statusErr socket.ErrWithStatusCode
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	var alertErr tls.AlertError
	var netErr net.Error
	var kind string
	switch {
	case errors.As(err, &dnsErr):
		kind = "DNS lookup failed"
	case errors.Is(err, syscall.ECONNREFUSED):
		kind = "connection refused"
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		kind = "network unreachable"
	case errors.As(err, &certErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostnameErr) ||
		errors.As(err, &recordErr) || errors.As(err, &alertErr):
		kind = "TLS failure"
	case errors.As(err, &statusErr):
		kind = fmt.Sprintf("websocket upgrade refused (HTTP %d)", statusErr.StatusCode)
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		kind = "timed out"
	// whatsmeow wraps every handshake failure with this text and offers no sentinel or type for it (its client.go,
	// unlockedConnect): the one place the bridge reads whatsmeow's wording, and only to describe, never to decide.
	// TestConnectErrorsAreNamedByKind and TestAWebsocketThatClosesAtOnceFailsTheHandshake notice a rewording.
	case strings.Contains(err.Error(), "noise handshake failed"):
		kind = "WhatsApp handshake failed"
	default:
		kind = "connection failed"
	}
	return kind + ": " + err.Error()
}
