package main

import (
	"context"
	"time"
)

// logoutTimeout bounds the unlink request to WhatsApp; the local deletion happens whatever its outcome.
const logoutTimeout = 20 * time.Second

// logout unlinks the device when it is connected, then deletes its credentials and our mapping in any case.
func (c *bridgeClient) logout() (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), logoutTimeout)
	defer cancel()
	unlinked := false
	if c.wa.IsLoggedIn() {
		if err := c.wa.Logout(ctx); err != nil {
			c.bridge.emitLog(c.handle, c.numberID, levelWarn, "wabridge",
				"unlinking the device failed, deleting it locally: "+err.Error())
		} else {
			unlinked = true
		}
	}
	_, _ = c.disconnect()
	opened, done, err := c.bridge.registry.useStore()
	if err != nil {
		return nil, err
	}
	defer done()
	if c.wa.Store.ID != nil {
		if err := c.wa.Store.Delete(ctx); err != nil {
			return nil, failure(codeStoreFailure, "deleting the device of number %d: %w", c.numberID, err)
		}
	}
	if err = opened.devices.deleteMapping(ctx, c.numberID); err != nil {
		return nil, err
	}
	return result{"unlinked": unlinked}, nil
}

// forgetMapping drops the number's mapping once WhatsApp logged the device out (whatsmeow deleted the device).
func (c *bridgeClient) forgetMapping() {
	opened, done, err := c.bridge.registry.useStore()
	if err == nil {
		err = opened.devices.deleteMapping(context.Background(), c.numberID)
		done()
	}
	if err != nil {
		c.bridge.emitLog(c.handle, c.numberID, levelWarn, "wabridge", err.Error())
	}
}
