package dev.waworker.whatsapp.simulated;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.waworker.whatsapp.StoredDevice;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulated network's linked devices, kept in a small JSON file so that paired sessions survive a restart
 * of the worker, as whatsmeow's device store does for the real network.
 *
 * <p>The file stands for credentials: it is created readable by its owner only, and replaced atomically (a
 * temporary file, flushed to disk, then renamed over it), so a crash mid-write leaves the previous version.
 * The file is written before the in-memory view changes: a failed write changes nothing.
 *
 * <p>Reads are safe on any thread: the map is never changed once published, a change publishes a new one. Changes
 * are not safe to make at once: {@link SimulatedWhatsApp} makes them under its own lock.
 */
final class SimulatedDeviceStore implements DeviceStore {

    static final String FILE_NAME = "simulator-devices.json";

    private static final JsonMapper JSON = JsonMapper.shared();

    private final Path file;
    private volatile Map<Long, StoredDevice> devicesByNumberId;

    /** The file's content. A wrapper object rather than a bare array, so that fields can be added later. */
    record Content(List<StoredDevice> devices) {
        Content {
            devices = devices == null ? List.of() : List.copyOf(devices);
        }
    }

    private SimulatedDeviceStore(Path file, Map<Long, StoredDevice> devicesByNumberId) {
        this.file = file;
        this.devicesByNumberId = devicesByNumberId;
    }

    /**
     * Loads the store of the data directory, or starts an empty one when the file does not exist yet.
     *
     * @throws IllegalStateException when the file exists but cannot be read as a store: starting empty would
     *                               overwrite the linked devices it holds on the next pairing
     */
    static SimulatedDeviceStore openIn(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        return new SimulatedDeviceStore(file, Files.exists(file) ? read(file) : new TreeMap<>());
    }

    Path file() {
        return file;
    }

    @Override
    public Optional<StoredDevice> find(long numberId) {
        return Optional.ofNullable(devicesByNumberId.get(numberId));
    }

    @Override
    public List<StoredDevice> all() {
        return List.copyOf(devicesByNumberId.values());
    }

    @Override
    public void put(StoredDevice device) {
        Map<Long, StoredDevice> updated = new TreeMap<>(devicesByNumberId);
        updated.put(device.numberId(), device);
        replaceWith(updated);
    }

    @Override
    public Optional<StoredDevice> remove(long numberId) {
        Optional<StoredDevice> removed = find(numberId);
        if (removed.isPresent()) {
            Map<Long, StoredDevice> updated = new TreeMap<>(devicesByNumberId);
            updated.remove(numberId);
            replaceWith(updated);
        }
        return removed;
    }

    private void replaceWith(Map<Long, StoredDevice> updated) {
        write(new Content(List.copyOf(updated.values())));
        devicesByNumberId = updated;
    }

    private static Map<Long, StoredDevice> read(Path file) {
        try {
            Content content = JSON.readValue(Files.readAllBytes(file), Content.class);
            Map<Long, StoredDevice> devices = new TreeMap<>();
            content.devices().forEach(device -> devices.put(device.numberId(), device));
            return devices;
        } catch (IOException | JacksonException e) {
            throw new IllegalStateException("The simulator's device store " + file + " cannot be read (" + e.getMessage()
                    + "). Fix or remove the file: it was left untouched.", e);
        }
    }

    private void write(Content content) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp", ownerOnly());
            try {
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    ByteBuffer bytes = ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(content));
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    channel.force(true);
                }
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the simulator's device store " + file, e);
        }
    }

    private static FileAttribute<?>[] ownerOnly() {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        // Without POSIX permissions (Windows) the file gets the access rules of the data directory.
        return new FileAttribute<?>[0];
    }
}
