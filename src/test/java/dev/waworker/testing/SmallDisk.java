package dev.waworker.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.unit.DataSize;

/**
 * A real, small file system of a test's own (a tmpfs mounted on a temporary directory), that the test fills up and
 * frees again: what a worker's data directory does on a full disk. Mounting needs root, or {@code sudo} without a
 * password (a CI runner); where neither works (an unprivileged container), {@link #whyNot()} says why and the test
 * using it is skipped, visibly, with that reason.
 */
public final class SmallDisk implements AutoCloseable {

    private static final Duration MOUNT_WAIT = Duration.ofSeconds(30);
    private static final int CHUNK = 64 * 1024;

    private final Path mountPoint;
    private final boolean mounted;
    private final String whyNot;

    private SmallDisk(Path mountPoint, boolean mounted, String whyNot) {
        this.mountPoint = mountPoint;
        this.mounted = mounted;
        this.whyNot = whyNot;
    }

    /** Mounts a tmpfs of {@code size}, owned by this process's user; see {@link #isMounted()}. */
    public static SmallDisk mount(DataSize size) {
        try {
            Path mountPoint = Files.createTempDirectory("small-disk-");
            Object uid = Files.getAttribute(mountPoint, "unix:uid");
            Object gid = Files.getAttribute(mountPoint, "unix:gid");
            Path output = Files.createTempFile("small-disk-mount-", ".out");
            int exit = LocalMachine.run(new ProcessBuilder(privileged("mount", "-t", "tmpfs", "-o",
                    "size=" + size.toKilobytes() + "k,uid=" + uid + ",gid=" + gid + ",mode=0700", "tmpfs",
                    mountPoint.toString())).redirectErrorStream(true).redirectOutput(output.toFile()), MOUNT_WAIT);
            String said = Files.readString(output).strip();
            Files.delete(output);
            SmallDisk disk = new SmallDisk(mountPoint, exit == 0, exit == 0 ? "" : "cannot mount a tmpfs here (mount "
                    + "exited with " + exit + ": " + said + "); it needs root or password-less sudo, and "
                    + "CAP_SYS_ADMIN in a container");
            // Also when the test never gets to close it (skipped, or its worker failed to start): nothing left.
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(disk::close));
            return disk;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isMounted() {
        return mounted;
    }

    public String whyNot() {
        return whyNot;
    }

    /** A directory on the small file system (not yet created). */
    public Path dir(String name) {
        return mountPoint.resolve(name);
    }

    /** Writes a file until the file system refuses more: it is full. */
    public void fill() {
        byte[] chunk = new byte[CHUNK];
        try (OutputStream filler = Files.newOutputStream(filler())) {
            while (true) {
                filler.write(chunk);
            }
        } catch (IOException full) {
            // No space left on device: what we came for. (A close that fails to flush ends here too.)
        }
    }

    /** Deletes what {@link #fill()} wrote. */
    public void free() {
        try {
            Files.deleteIfExists(filler());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long usableSpace() {
        try {
            return Files.getFileStore(mountPoint).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts (lazily: a file the worker still holds open does not keep it busy) and deletes the mount point. */
    @Override
    public synchronized void close() {
        if (!Files.exists(mountPoint)) {
            return;
        }
        if (mounted) {
            LocalMachine.run(new ProcessBuilder(privileged("umount", "-l", mountPoint.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD), MOUNT_WAIT);
        }
        LocalMachine.deleteTree(mountPoint);
    }

    private Path filler() {
        return mountPoint.resolve("filler");
    }

    private static List<String> privileged(String... command) {
        List<String> line = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            line.addAll(List.of("sudo", "-n"));
        }
        line.addAll(List.of(command));
        return line;
    }
}
