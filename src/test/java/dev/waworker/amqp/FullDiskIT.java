package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.unit.DataSize;

import dev.waworker.testing.SmallDisk;
import dev.waworker.testing.WorkerHttp;

/**
 * The embedded SQLite's data directory on a real small file system that fills up, then is freed: readiness turns
 * DOWN and back UP within 5 s each, the commands sent meanwhile wait and are served afterwards, none is
 * dead-lettered.
 */
@WorkerIntegrationTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "whatsapp.simulator.first-qr-ttl=60s",
        "whatsapp.simulator.next-qr-ttl=60s"})
@DirtiesContext
class FullDiskIT extends WorkerTestBase {

    private static final SmallDisk DISK = SmallDisk.mount(DataSize.ofMegabytes(16));
    private static final Duration READINESS_FOLLOWS = Duration.ofSeconds(5);
    private static final long BEFORE = 991;
    private static final List<Long> SENT_WHILE_FULL = List.of(992L, 993L);

    @BeforeAll
    static void needsASmallDisk() {
        assumeTrue(DISK.isMounted(), DISK::whyNot);
    }

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry properties) {
        properties.add("worker.data-dir", () -> DISK.dir("data").toString());
    }

    /** Unmounts the disk with the worker. */
    @TestConfiguration
    static class OwnDisk {
        @Bean
        SmallDisk smallDisk() {
            return DISK;
        }
    }

    @LocalServerPort
    private int port;

    @Test
    void commandsWaitWhileTheDataDirectoryIsFullAndAreServedOnceItIsFreed() throws Exception {
        backend.sendCommand("create", BEFORE, "+221771230991");
        backend.awaitEvent(BEFORE, "qr_generated");
        double failedBefore = commandsSettled("failed");

        DISK.fill();
        assertThat(DISK.usableSpace()).as("really full").isLessThan(DataSize.ofKilobytes(64).toBytes());
        await().atMost(READINESS_FOLLOWS).until(() -> WorkerHttp.readiness(port) == 503);
        SENT_WHILE_FULL.forEach(numberId -> backend.sendCommand("create", numberId, "+2217712309" + numberId % 100));
        await("no command served while the disk is full").during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> SENT_WHILE_FULL.stream().allMatch(numberId -> backend.eventsFor(numberId).isEmpty()));

        DISK.free();
        await().atMost(READINESS_FOLLOWS).until(() -> WorkerHttp.readiness(port) == 200);

        for (long numberId : SENT_WHILE_FULL) {
            assertThat(backend.awaitEvent(numberId, "qr_generated").json()).containsEntry("qrIndex", 1);
        }
        assertThat(backend.messageCount(worker.deadLetterQueue())).as("nothing dead-lettered").isZero();
        assertThat(commandsSettled("failed")).isEqualTo(failedBefore);
    }
}
