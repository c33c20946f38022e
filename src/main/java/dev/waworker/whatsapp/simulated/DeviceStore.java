package dev.waworker.whatsapp.simulated;

import java.util.List;
import java.util.Optional;

import dev.waworker.whatsapp.StoredDevice;

/**
 * Where the simulated network keeps its linked devices: a file of one worker's own ({@link SimulatedDeviceStore}),
 * or the database several workers share ({@link JdbcDeviceStore}). Its reads are safe on any thread; its changes are
 * made under {@link SimulatedWhatsApp}'s lock.
 */
interface DeviceStore {

    Optional<StoredDevice> find(long numberId);

    List<StoredDevice> all();

    /** Stores the device of its number, replacing the number's previous one. */
    void put(StoredDevice device);

    /** @return the device that was removed */
    Optional<StoredDevice> remove(long numberId);
}
