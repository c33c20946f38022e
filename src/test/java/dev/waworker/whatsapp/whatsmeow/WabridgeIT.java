package dev.waworker.whatsapp.whatsmeow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real libwabridge.so, loaded from the class path as it is from the jar. */
class WabridgeIT {

    private final Wabridge bridge = new Wabridge();

    @TempDir
    Path dataDir;

    @AfterEach
    void closeStore() {
        bridge.closeStore();
    }

    @Test
    void itNamesTheWhatsmeowItWasBuiltWith() throws IOException {
        Wabridge.Version version = bridge.version();

        assertThat(version.bridge()).isEqualTo("0.1.0");
        assertThat(version.whatsmeow()).isEqualTo(pinnedWhatsmeow());
        assertThat(version.go()).startsWith("go1.26");
    }

    /** The version go.mod requires: the library must be built from exactly that. */
    private static String pinnedWhatsmeow() throws IOException {
        return Files.readAllLines(Path.of("src/main/go/wabridge/go.mod")).stream()
                .map(String::strip)
                .filter(line -> line.startsWith("go.mau.fi/whatsmeow "))
                .map(line -> line.split("\\s+")[1])
                .findFirst().orElseThrow();
    }

    @Test
    void statsCountTheClients() {
        bridge.openStore(NativeFixture.sqliteStore(dataDir, ""));
        int before = bridge.stats().clients();

        Wabridge.CreatedClient created = bridge.createClient(6, "+221771234567");

        Wabridge.Stats stats = bridge.stats();
        assertThat(stats.clients()).isEqualTo(before + 1);
        assertThat(stats.goroutines()).isPositive();
        assertThat(stats.heapAllocBytes()).isPositive();
        assertThat(created.paired()).isFalse();
        assertThat(created.jid()).isEmpty();
    }

    @Test
    void anErrorAnswerBecomesAnExceptionWithItsCodeAndAMessageThatSaysWhy() {
        assertThat(failureOf(() -> bridge.createClient(6, "+221771234567")))
                .returns(BridgeErrorCode.STORE_NOT_OPEN, BridgeException::code)
                .hasMessage("wb_client_create failed: the store is not open");
        bridge.openStore(NativeFixture.sqliteStore(dataDir, ""));
        assertThat(failureOf(() -> bridge.createClient(6, "not a number")))
                .returns(BridgeErrorCode.BAD_ARGUMENT, BridgeException::code)
                .hasMessageContaining("phoneNumber must be an optional + and 8 to 15 digits");
        assertThat(failureOf(() -> bridge.connect(424242)))
                .returns(BridgeErrorCode.UNKNOWN_CLIENT, BridgeException::code)
                .hasMessage("wb_client_connect failed: no client with handle 424242");
        assertThat(failureOf(() -> bridge.openStore(NativeFixture.sqliteStore(dataDir, ""))))
                .returns(BridgeErrorCode.STORE_ALREADY_OPEN, BridgeException::code);
    }

    static BridgeException failureOf(Runnable call) {
        return catchThrowableOfType(BridgeException.class, call::run);
    }

    @Test
    void textCrossesTheBoundaryAsUtf8() {
        Wabridge.StoreConfig store = NativeFixture.sqliteStore(dataDir.resolve("données-é"), "");

        bridge.openStore(store);

        assertThat(dataDir.resolve("données-é").resolve("whatsmeow.db")).exists();
    }

    @Test
    void theSqliteStoreIsReadableByItsOwnerOnly() throws IOException {
        bridge.openStore(NativeFixture.sqliteStore(dataDir, ""));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("whatsmeow.db"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aThousandClientsCreatedAndDestroyedLeaveNothingBehind() throws IOException {
        bridge.openStore(NativeFixture.sqliteStore(dataDir, ""));
        // Warm up to a steady state: first-use allocations and the Go heap's growth to its GC target are not leaks.
        createAndDestroy(1_000, 1);
        Wabridge.Stats baseline = bridge.stats();
        long rssBefore = NativeFixture.residentSetBytes();

        createAndDestroy(1_000, 1_000);

        // Polled on this thread: a JVM thread that has called into Go keeps a goroutine of its own.
        await().atMost(Duration.ofSeconds(10)).pollInSameThread()
                .untilAsserted(() -> assertThat(bridge.stats().goroutines())
                .as("goroutines, baseline %s", baseline).isLessThanOrEqualTo(baseline.goroutines()));
        Wabridge.Stats after = bridge.stats();
        long rssGrowth = NativeFixture.residentSetBytes() - rssBefore;
        assertThat(after.clients()).isEqualTo(baseline.clients());
        // Without a leak the growth measured 10-11 MiB (Java garbage not yet collected, the Go heap's GC slack).
        // An open client costs about 57 KiB of RSS (scripts/bench-bridge.sh): leaking all 1,000 would add ~56 MiB.
        assertThat(rssGrowth).as("RSS growth in bytes").isLessThan(32L * 1024 * 1024);
    }

    private void createAndDestroy(int count, long firstNumberId) {
        for (int i = 0; i < count; i++) {
            Wabridge.CreatedClient created = bridge.createClient(firstNumberId + i, "+22177" + (1_000_000 + i));
            bridge.destroy(created.handle());
        }
    }
}
