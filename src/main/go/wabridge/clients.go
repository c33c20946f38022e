package main

import (
	"context"
	"encoding/json"
	"regexp"
)

// clientSpec is the JSON given to wb_client_create.
type clientSpec struct {
	NumberID    int64  `json:"numberId"`
	PhoneNumber string `json:"phoneNumber"`
}

var phoneNumberShape = regexp.MustCompile(`^\+?[0-9]{8,15}$`)

func parseClientSpec(specJSON string) (clientSpec, error) {
	var spec clientSpec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		return spec, failure(codeBadArgument, "client spec is not valid JSON: %w", err)
	}
	if spec.NumberID <= 0 {
		return spec, failure(codeBadArgument, "numberId must be a positive integer, was %d", spec.NumberID)
	}
	if !phoneNumberShape.MatchString(spec.PhoneNumber) {
		return spec, failure(codeBadArgument, "phoneNumber must be an optional + and 8 to 15 digits, was %q",
			spec.PhoneNumber)
	}
	return spec, nil
}

// createClient answers wb_client_create. The number is reserved first, so two creates of one number cannot both
// read its device: the second is refused (NUMBER_IN_USE) at once. The device is read without the registry's lock.
func (b *Bridge) createClient(specJSON string) (result, error) {
	spec, err := parseClientSpec(specJSON)
	if err != nil {
		return nil, err
	}
	opened, done, err := b.registry.reserve(spec.NumberID)
	if err != nil {
		return nil, err
	}
	defer done()
	device, err := opened.devices.deviceFor(context.Background(), spec.NumberID)
	if err != nil {
		b.registry.release(spec.NumberID)
		return nil, err
	}
	client, err := newBridgeClient(b, b.nextHandle.Add(1), spec, device, opened)
	if err == nil {
		if err = b.registry.register(client); err != nil {
			// The store began closing meanwhile and took the clients it knew: this one is ours to close.
			client.close()
		}
	}
	if err != nil {
		b.registry.release(spec.NumberID)
		return nil, err
	}
	jid := ""
	if device.ID != nil {
		jid = device.ID.String()
	}
	return result{"handle": client.handle, "paired": device.ID != nil, "jid": jid}, nil
}

// withClient runs fn on the client of the handle, without the registry's lock: fn may wait for WhatsApp.
func (b *Bridge) withClient(handle int64, fn func(*bridgeClient) (result, error)) (result, error) {
	client, err := b.registry.client(handle)
	if err != nil {
		return nil, err
	}
	return fn(client)
}

// destroy answers wb_client_destroy: the handle is forgotten at once, the number stays reserved until the client
// has disconnected.
func (b *Bridge) destroy(handle int64) (result, error) {
	client, err := b.registry.take(handle)
	if err != nil {
		return nil, err
	}
	client.close()
	b.registry.release(client.numberID)
	return nil, nil
}
