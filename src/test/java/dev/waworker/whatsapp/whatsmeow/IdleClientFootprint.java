package dev.waworker.whatsapp.whatsmeow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.waworker.whatsapp.ClientSpec;

/**
 * Measures the resident memory an idle client costs (run by scripts/bench-bridge.sh, not by the test suite):
 * opens N clients through the real library without connecting them, and reports the growth of this process's
 * VmRSS and of the Go heap, per client. Argument: {@code [clients=1000]}.
 */
public final class IdleClientFootprint {

    private IdleClientFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        Path dataDir = Files.createTempDirectory("wabridge-footprint");
        Wabridge bridge = new Wabridge();
        try (WhatsmeowClientFactory factory = WhatsmeowClientFactory.open(bridge,
                NativeFixture.sqliteStore(dataDir, ""), NativeFixture.WHATSAPP_TTLS)) {
            factory.open(new ClientSpec(1, "+221770000001"), event -> { }).close(); // first-use allocations
            System.gc();
            long rssBefore = NativeFixture.residentSetBytes();
            long heapBefore = bridge.stats().heapAllocBytes();

            List<WhatsmeowClient> clients = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                clients.add(factory.open(new ClientSpec(10 + i, "+22177" + (3_000_000 + i)), event -> { }));
            }
            System.gc();
            long rssGrowth = NativeFixture.residentSetBytes() - rssBefore;
            long heapGrowth = bridge.stats().heapAllocBytes() - heapBefore;

            System.out.printf("idle clients: %d%n", count);
            System.out.printf("RSS growth: %.1f MiB total, %.1f KiB per client%n",
                    rssGrowth / 1048576.0, rssGrowth / 1024.0 / count);
            System.out.printf("Go heap allocated (live and not yet collected): +%.1f MiB, %.1f KiB per client%n",
                    heapGrowth / 1048576.0, heapGrowth / 1024.0 / count);
            System.out.printf("goroutines with %d clients open: %d%n", count, bridge.stats().goroutines());
            clients.forEach(WhatsmeowClient::close);
        }
    }
}
