package dev.waworker.whatsapp.whatsmeow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Opens the real library's store in a directory of its own. */
final class NativeFixture {

    /**
     * whatsmeow's own client version, pinned so that no test asks web.whatsapp.com for the current one (tests of
     * that ask the stand-in server).
     */
    static final String BUILT_IN_CLIENT_VERSION = "2.3000.1045649367";

    static final QrTtls WHATSAPP_TTLS = new QrTtls(Duration.ofSeconds(60), Duration.ofSeconds(20));

    private NativeFixture() {
    }

    static Wabridge.StoreConfig sqliteStore(Path directory, String websocketUrl) {
        return sqliteStore(directory, websocketUrl, "WARN");
    }

    static Wabridge.StoreConfig sqliteStore(Path directory, String websocketUrl, String logLevel) {
        return new Wabridge.StoreConfig(directory.resolve("whatsmeow.db").toString(), "", logLevel, "", websocketUrl,
                "", BUILT_IN_CLIENT_VERSION);
    }

    /** The resident set size of this process, from the kernel's own accounting. */
    static long residentSetBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
