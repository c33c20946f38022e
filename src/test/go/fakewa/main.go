// Command fakewa is a wire-level stand-in for WhatsApp's chat server: whatsmeow clients pair with it (QR or
// phone code) and log in, while a JSON control API plays the phone and scripts accounts.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// shutdownTimeout bounds how long in-flight control calls may finish after a signal.
const shutdownTimeout = 5 * time.Second

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on (port 0 picks a free one)")
	refs := flag.Int("refs", 6, "refs per pair-device batch (QR codes the client shows)")
	minVersion := flag.Uint("min-client-version", 0, "lowest accepted client version tertiary (2.3000.N), 0 for none")
	debug := flag.Bool("debug", false, "also log QR texts and pairing codes")
	flag.Parse()
	logger := log.New(os.Stderr, "fakewa: ", log.LstdFlags|log.Lmicroseconds)
	if err := run(*listen, Config{Refs: *refs, MinClientVersion: uint32(*minVersion), Debug: *debug, Log: logger}); err != nil {
		logger.Print(err)
		os.Exit(1)
	}
}

func run(listen string, cfg Config) error {
	srv, err := NewServer(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	httpServer := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(ln) }()

	root := srv.RootPublicKey()
	ready, err := json.Marshal(map[string]string{"listen": ln.Addr().String(), "rootKey": base64.StdEncoding.EncodeToString(root[:])})
	if err != nil {
		return err
	}
	fmt.Println(string(ready))
	cfg.Log.Printf("serving on %s (refs %d, minimum client version %d)", ln.Addr(), cfg.Refs, cfg.MinClientVersion)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	select {
	case sig := <-stop:
		cfg.Log.Printf("%s: shutting down", sig)
	case err = <-served:
		return err
	}
	srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err = httpServer.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
