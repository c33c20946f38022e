package main

import (
	"context"
)

// devices answers wb_devices: the stored devices, by number.
func (b *Bridge) devices() (result, error) {
	opened, done, err := b.registry.useStore()
	if err != nil {
		return nil, err
	}
	defer done()
	devices, err := opened.devices.devices(context.Background())
	if err != nil {
		return nil, err
	}
	return result{"devices": devices}, nil
}

// deleteDevice answers wb_device_delete. The number is reserved meanwhile, so no client of it is created while its
// device is being deleted, and a number with a client is refused.
func (b *Bridge) deleteDevice(numberID int64) (result, error) {
	opened, done, err := b.registry.reserve(numberID)
	if err != nil {
		if classify(err) == codeNumberInUse {
			return nil, failure(codeNumberInUse, "%v: log it out instead", err)
		}
		return nil, err
	}
	defer done()
	defer b.registry.release(numberID)
	deleted, err := opened.devices.forget(context.Background(), numberID)
	if err != nil {
		return nil, err
	}
	return result{"deleted": deleted}, nil
}
