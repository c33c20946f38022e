package dev.waworker.whatsapp.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.waworker.whatsapp.StoredDevice;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SimulatedDeviceStoreTest {

    private static final StoredDevice DEVICE_6 = new StoredDevice(6, "+221771234567", "221771234567:1@s.whatsapp.net");
    private static final StoredDevice DEVICE_7 = new StoredDevice(7, "+221770000007", "221770000007:1@s.whatsapp.net");

    @TempDir
    Path dataDir;

    @Test
    void aNewStoreIsEmptyAndWritesNoFileUntilSomethingIsStored() {
        SimulatedDeviceStore store = SimulatedDeviceStore.openIn(dataDir.resolve("not-yet-created"));

        assertThat(store.all()).isEmpty();
        assertThat(store.file()).doesNotExist();
    }

    @Test
    void devicesAreReadBackByANewStoreOnTheSameDirectory() {
        SimulatedDeviceStore store = SimulatedDeviceStore.openIn(dataDir);
        store.put(DEVICE_7);
        store.put(DEVICE_6);
        store.remove(7);

        SimulatedDeviceStore reopened = SimulatedDeviceStore.openIn(dataDir);

        assertThat(reopened.all()).containsExactly(DEVICE_6);
        assertThat(reopened.find(6)).contains(DEVICE_6);
        assertThat(reopened.find(7)).isEmpty();
    }

    @Test
    void theFileIsPlainJsonReadableByItsOwnerOnly() throws IOException {
        SimulatedDeviceStore store = SimulatedDeviceStore.openIn(dataDir.resolve("data"));

        store.put(DEVICE_6);

        assertThat(Files.getPosixFilePermissions(store.file()))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        JsonNode device = JsonMapper.shared().readTree(store.file().toFile()).get("devices").get(0);
        assertThat(device.get("numberId").asLong()).isEqualTo(6);
        assertThat(device.get("phoneNumber").asString()).isEqualTo("+221771234567");
        assertThat(device.get("jid").asString()).isEqualTo("221771234567:1@s.whatsapp.net");
    }

    @Test
    void replacingTheFileLeavesNoTemporaryFileBehind() throws IOException {
        SimulatedDeviceStore store = SimulatedDeviceStore.openIn(dataDir);

        store.put(DEVICE_6);
        store.put(DEVICE_7);
        store.remove(6);

        try (var files = Files.list(dataDir)) {
            assertThat(files).containsExactly(store.file());
        }
    }

    @Test
    void anUnreadableFileStopsTheStartAndIsLeftUntouched() throws IOException {
        Path file = dataDir.resolve(SimulatedDeviceStore.FILE_NAME);
        Files.writeString(file, "{\"devices\": [ broken");

        assertThatThrownBy(() -> SimulatedDeviceStore.openIn(dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("left untouched");
        assertThat(file).hasContent("{\"devices\": [ broken");
    }

    @Test
    void aFailedWriteChangesNothing() throws IOException {
        Path blocked = dataDir.resolve("blocked");
        Files.writeString(blocked, "a file where the store's directory should be");
        SimulatedDeviceStore store = SimulatedDeviceStore.openIn(blocked);

        assertThatThrownBy(() -> store.put(DEVICE_6)).isInstanceOf(java.io.UncheckedIOException.class);
        assertThat(store.find(6)).isEmpty();
    }
}
