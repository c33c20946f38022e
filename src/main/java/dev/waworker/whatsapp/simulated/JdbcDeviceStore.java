package dev.waworker.whatsapp.simulated;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.waworker.whatsapp.StoredDevice;

/**
 * The simulated devices in the shared database (table {@code simulated_device}), read afresh on every call: another
 * worker may have linked, taken over or logged out a device since. Lets multi-worker behaviour be tested without
 * WhatsApp, as whatsmeow's device store in the same database does for the real network.
 */
final class JdbcDeviceStore implements DeviceStore {

    private final JdbcClient jdbc;

    JdbcDeviceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<StoredDevice> find(long numberId) {
        return jdbc.sql("SELECT number_id, phone_number, jid FROM simulated_device WHERE number_id = ?")
                .param(numberId).query(StoredDevice.class).optional();
    }

    @Override
    public List<StoredDevice> all() {
        return jdbc.sql("SELECT number_id, phone_number, jid FROM simulated_device ORDER BY number_id")
                .query(StoredDevice.class).list();
    }

    @Override
    public void put(StoredDevice device) {
        jdbc.sql("""
                        INSERT INTO simulated_device (number_id, phone_number, jid) VALUES (?, ?, ?)
                        ON CONFLICT (number_id) DO UPDATE SET phone_number = excluded.phone_number, jid = excluded.jid""")
                .params(device.numberId(), device.phoneNumber(), device.jid()).update();
    }

    @Override
    public Optional<StoredDevice> remove(long numberId) {
        return jdbc.sql("DELETE FROM simulated_device WHERE number_id = ? RETURNING number_id, phone_number, jid")
                .param(numberId).query(StoredDevice.class).optional();
    }
}
