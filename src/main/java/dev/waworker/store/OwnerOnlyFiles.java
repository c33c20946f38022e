package dev.waworker.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory and the worker's database files are readable by the worker's user alone (directory 0700,
 * files 0600), whatever the umask: {@code worker.db} holds the validations in progress and, while they wait in the
 * outbox, QR images, which are credentials. SQLite gives its {@code -wal} and {@code -shm} files the mode of the
 * database file, so creating that one 0600 covers them. Files and directories an older version left open are
 * tightened; where that is not allowed (a directory of another owner, such as a volume's mount point) a warning
 * says so and the worker goes on.
 */
final class OwnerOnlyFiles {

    private static final Logger log = LoggerFactory.getLogger(OwnerOnlyFiles.class);
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnlyFiles() {
    }

    /** Creates the directory (and its missing parents) 0700, or tightens it to 0700 when it exists. */
    static void directory(Path directory) {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, attributes(DIRECTORY));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create worker.data-dir " + directory, e);
        }
        restrict(directory, DIRECTORY);
    }

    /** Creates the empty file 0600 when it is missing, or tightens it to 0600; the same for its siblings named. */
    static void file(Path file, String... siblingSuffixes) {
        try {
            Files.createFile(file, attributes(FILE));
        } catch (FileAlreadyExistsException alreadyThere) {
            restrict(file, FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
        for (String suffix : siblingSuffixes) {
            Path sibling = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(sibling)) {
                restrict(sibling, FILE);
            }
        }
    }

    private static void restrict(Path path, Set<PosixFilePermission> wanted) {
        if (!POSIX) {
            return; // Windows: the file gets the access rules of its directory.
        }
        try {
            if (!Files.getPosixFilePermissions(path).equals(wanted)) {
                Files.setPosixFilePermissions(path, wanted);
                log.info("Restricted {} to its owner ({})", path, PosixFilePermissions.toString(wanted));
            }
        } catch (IOException | SecurityException e) {
            log.warn("Could not restrict {} to its owner ({}): {}. Other users of this machine may read it: "
                    + "give it to the worker's user, or restrict it yourself", path,
                    PosixFilePermissions.toString(wanted), e.toString());
        }
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }
}
