package main

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/crypto/curve25519"
	"google.golang.org/protobuf/proto"

	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/proto/waWa6"
	"go.mau.fi/whatsmeow/socket"
	"go.mau.fi/whatsmeow/util/keys"
)

// symmetricState is the Noise symmetric state as whatsmeow's socket/noisehandshake.go runs it: the 32-byte
// protocol name is used as the initial hash unhashed, keys come from HKDF-SHA256 salted with the chaining key,
// and the AEAD nonce is 8 zero bytes followed by a big-endian counter.
type symmetricState struct {
	hash     []byte
	chainKey []byte
	aead     cipher.AEAD
	counter  uint32
}

func newSymmetricState(pattern string, prologue []byte) (*symmetricState, error) {
	if len(pattern) != sha256.Size {
		return nil, fmt.Errorf("noise pattern must be %d bytes to be used unhashed", sha256.Size)
	}
	aead, err := newGCM([]byte(pattern))
	if err != nil {
		return nil, err
	}
	ss := &symmetricState{hash: []byte(pattern), chainKey: []byte(pattern), aead: aead}
	ss.mixHash(prologue)
	return ss, nil
}

func (ss *symmetricState) mixHash(data []byte) {
	sum := sha256.Sum256(append(append([]byte{}, ss.hash...), data...))
	ss.hash = sum[:]
}

// mixKey feeds a Diffie-Hellman result into the chaining key and starts a fresh cipher at counter 0.
func (ss *symmetricState) mixKey(secret []byte) error {
	chainKey, key, err := expandTwo(secret, ss.chainKey)
	if err != nil {
		return err
	}
	aead, err := newGCM(key)
	if err != nil {
		return err
	}
	ss.chainKey, ss.aead, ss.counter = chainKey, aead, 0
	return nil
}

func (ss *symmetricState) mixDH(priv, pub [32]byte) error {
	secret, err := curve25519.X25519(priv[:], pub[:])
	if err != nil {
		return fmt.Errorf("x25519: %w", err)
	}
	return ss.mixKey(secret)
}

func (ss *symmetricState) encrypt(plaintext []byte) []byte {
	ciphertext := ss.aead.Seal(nil, nonceFor(ss.counter), plaintext, ss.hash)
	ss.counter++
	ss.mixHash(ciphertext)
	return ciphertext
}

func (ss *symmetricState) decrypt(ciphertext []byte) ([]byte, error) {
	plaintext, err := ss.aead.Open(nil, nonceFor(ss.counter), ciphertext, ss.hash)
	ss.counter++
	if err != nil {
		return nil, err
	}
	ss.mixHash(ciphertext)
	return plaintext, nil
}

// split derives the transport keys: the first is what the client writes (we read), the second what we write.
func (ss *symmetricState) split() (read, write cipher.AEAD, err error) {
	readKey, writeKey, err := expandTwo(nil, ss.chainKey)
	if err != nil {
		return nil, nil, err
	}
	if read, err = newGCM(readKey); err != nil {
		return nil, nil, err
	}
	write, err = newGCM(writeKey)
	return read, write, err
}

func expandTwo(secret, salt []byte) (first, second []byte, err error) {
	out, err := hkdf.Key(sha256.New, secret, salt, "", 64)
	if err != nil {
		return nil, nil, err
	}
	return out[:32], out[32:], nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func nonceFor(counter uint32) []byte {
	nonce := make([]byte, 12)
	binary.BigEndian.PutUint32(nonce[8:], counter)
	return nonce
}

// handshakeResult is what the server knows about a client once Noise XX completed.
type handshakeResult struct {
	transport    *noiseTransport
	clientStatic [32]byte
	payload      *waWa6.ClientPayload
}

// serverHandshake answers ClientHello with ServerHello (our ephemeral, our encrypted static and the encrypted
// certificate chain for that static) and reads ClientFinish, mirroring handshake.go:doHandshake from our side.
func serverHandshake(ctx context.Context, fc *frameConn, static *keys.KeyPair, certChain []byte) (*handshakeResult, error) {
	ss, err := newSymmetricState(socket.NoiseStartPattern, socket.WAConnHeader)
	if err != nil {
		return nil, err
	}
	var hello waWa6.HandshakeMessage
	if err = readHandshakeMessage(ctx, fc, &hello); err != nil {
		return nil, fmt.Errorf("client hello: %w", err)
	}
	clientEphemeral := hello.GetClientHello().GetEphemeral()
	if len(clientEphemeral) != 32 {
		return nil, errors.New("client hello without a 32-byte ephemeral key")
	}
	ss.mixHash(clientEphemeral)

	ephemeral := keys.NewKeyPair()
	ss.mixHash(ephemeral.Pub[:])
	if err = ss.mixDH(*ephemeral.Priv, [32]byte(clientEphemeral)); err != nil {
		return nil, err
	}
	encryptedStatic := ss.encrypt(static.Pub[:])
	if err = ss.mixDH(*static.Priv, [32]byte(clientEphemeral)); err != nil {
		return nil, err
	}
	encryptedCert := ss.encrypt(certChain)
	serverHello, err := proto.Marshal(&waWa6.HandshakeMessage{ServerHello: &waWa6.HandshakeMessage_ServerHello{
		Ephemeral: ephemeral.Pub[:], Static: encryptedStatic, Payload: encryptedCert,
	}})
	if err != nil {
		return nil, err
	}
	if err = fc.writeFrame(ctx, serverHello); err != nil {
		return nil, fmt.Errorf("server hello: %w", err)
	}
	return finishHandshake(ctx, fc, ss, ephemeral)
}

// finishHandshake reads ClientFinish. Its static is sealed under the key of the second mix, whose counter is
// already at 1 after our certificate payload; the payload then comes under a fresh key at counter 0.
func finishHandshake(ctx context.Context, fc *frameConn, ss *symmetricState, ephemeral *keys.KeyPair) (*handshakeResult, error) {
	var finish waWa6.HandshakeMessage
	if err := readHandshakeMessage(ctx, fc, &finish); err != nil {
		return nil, fmt.Errorf("client finish: %w", err)
	}
	clientStatic, err := ss.decrypt(finish.GetClientFinish().GetStatic())
	if err != nil || len(clientStatic) != 32 {
		return nil, fmt.Errorf("client static does not decrypt to a 32-byte key (%v)", err)
	}
	if err = ss.mixDH(*ephemeral.Priv, [32]byte(clientStatic)); err != nil {
		return nil, err
	}
	payloadBytes, err := ss.decrypt(finish.GetClientFinish().GetPayload())
	if err != nil {
		return nil, fmt.Errorf("client payload does not decrypt: %w", err)
	}
	var payload waWa6.ClientPayload
	if err = proto.Unmarshal(payloadBytes, &payload); err != nil {
		return nil, fmt.Errorf("client payload: %w", err)
	}
	read, write, err := ss.split()
	if err != nil {
		return nil, err
	}
	return &handshakeResult{
		transport:    &noiseTransport{fc: fc, readKey: read, writeKey: write},
		clientStatic: [32]byte(clientStatic),
		payload:      &payload,
	}, nil
}

func readHandshakeMessage(ctx context.Context, fc *frameConn, msg *waWa6.HandshakeMessage) error {
	frame, err := fc.readFrame(ctx)
	if err != nil {
		return err
	}
	return proto.Unmarshal(frame, msg)
}

// noiseTransport carries binary XML nodes after the handshake: one AES-GCM ciphertext per frame, empty
// associated data, one counter per direction.
type noiseTransport struct {
	fc        *frameConn
	readKey   cipher.AEAD
	writeKey  cipher.AEAD
	readCount uint32

	writeMu    sync.Mutex // keeps the write counter in step with the order frames hit the wire
	writeCount uint32
}

// readNode returns the next node from the client. Only one goroutine may read.
func (nt *noiseTransport) readNode(ctx context.Context) (*waBinary.Node, error) {
	frame, err := nt.fc.readFrame(ctx)
	if err != nil {
		return nil, err
	}
	plaintext, err := nt.readKey.Open(frame[:0], nonceFor(nt.readCount), frame, nil)
	nt.readCount++
	if err != nil {
		return nil, fmt.Errorf("frame does not decrypt: %w", err)
	} else if len(plaintext) == 0 {
		return nil, errors.New("empty frame")
	}
	unpacked, err := waBinary.Unpack(plaintext)
	if err != nil {
		return nil, err
	}
	return waBinary.Unmarshal(unpacked)
}

func (nt *noiseTransport) sendNode(ctx context.Context, node waBinary.Node) error {
	plaintext, err := waBinary.Marshal(node)
	if err != nil {
		return fmt.Errorf("marshal <%s>: %w", node.Tag, err)
	}
	nt.writeMu.Lock()
	defer nt.writeMu.Unlock()
	ciphertext := nt.writeKey.Seal(nil, nonceFor(nt.writeCount), plaintext, nil)
	nt.writeCount++
	return nt.fc.writeFrame(ctx, ciphertext)
}
