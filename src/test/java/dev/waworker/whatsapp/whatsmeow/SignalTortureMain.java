package dev.waworker.whatsapp.whatsmeow;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.waworker.testing.RefusingPort;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientSpec;

/**
 * Run in a child JVM by {@link SignalSafetyIT}: loads libwabridge, keeps Go goroutines busy (clients reconnecting
 * to a refusing port, Java threads calling into Go) while Java threads provoke the JVM's own signal-based
 * machinery (implicit null checks, safepoint polls from forced GCs, stack-overflow guard pages). Between two
 * rounds it waits on stdin, so that the parent can send SIGQUIT for a thread dump.
 */
public final class SignalTortureMain {

    private static final int CLIENTS = 20;
    private static final int CALLER_THREADS = 2;
    private static final int FAULTING_THREADS = 2;

    private static final AtomicLong NULL_POINTERS = new AtomicLong();
    private static final AtomicLong CONNECT_FAILURES = new AtomicLong();
    private static final AtomicLong BRIDGE_CALLS = new AtomicLong();
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);

    /** A field read through a null reference: compiled code checks it by letting the load fault (SIGSEGV). */
    static final class Holder {
        int value;
    }

    private SignalTortureMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Files.createTempDirectory("wabridge-signals");
        Wabridge bridge = new Wabridge();
        try (WhatsmeowClientFactory factory = WhatsmeowClientFactory.open(bridge,
                NativeFixture.sqliteStore(dataDir, RefusingPort.webSocketUrl()), NativeFixture.WHATSAPP_TTLS)) {
            List<Thread> workers = new ArrayList<>();
            startReconnectingClients(factory);
            for (int i = 0; i < CALLER_THREADS; i++) {
                workers.add(Thread.ofPlatform().name("bridge-caller-" + i).start(() -> callBridge(bridge)));
            }
            for (int i = 0; i < FAULTING_THREADS; i++) {
                workers.add(Thread.ofPlatform().name("faulting-" + i).start(SignalTortureMain::fault));
            }

            round(bridge);
            System.out.println("READY-FOR-SIGQUIT");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in)).readLine();
            round(bridge);

            RUNNING.set(false);
            for (Thread worker : workers) {
                worker.join();
            }
            System.out.println("ALIVE nullPointers=" + NULL_POINTERS.get() + " connectFailures="
                    + CONNECT_FAILURES.get() + " bridgeCalls=" + BRIDGE_CALLS.get()
                    + " goroutines=" + bridge.stats().goroutines());
        }
    }

    /** Forced GCs (every running thread meets a safepoint poll) and stack overflows, with everything else busy. */
    private static void round(Wabridge bridge) {
        for (int i = 0; i < 20; i++) {
            System.gc();
            overflowTheStack();
            bridge.stats();
        }
    }

    private static void startReconnectingClients(WhatsmeowClientFactory factory) {
        for (int i = 0; i < CLIENTS; i++) {
            WhatsmeowClient[] client = new WhatsmeowClient[1];
            client[0] = factory.open(new ClientSpec(1_000 + i, "+22177" + (2_000_000 + i)), event -> {
                if (event instanceof ClientEvent.ConnectFailed && RUNNING.get()) {
                    CONNECT_FAILURES.incrementAndGet();
                    client[0].connect();
                }
            });
            client[0].connect();
        }
    }

    private static void callBridge(Wabridge bridge) {
        while (RUNNING.get()) {
            bridge.version();
            bridge.stats();
            BRIDGE_CALLS.addAndGet(2);
        }
    }

    private static void fault() {
        Holder nothing = null;
        while (RUNNING.get()) {
            for (int i = 0; i < 10_000; i++) {
                try {
                    NULL_POINTERS.addAndGet(read(nothing));
                } catch (NullPointerException expected) {
                    NULL_POINTERS.incrementAndGet();
                }
            }
        }
    }

    private static int read(Holder holder) {
        return holder.value;
    }

    private static void overflowTheStack() {
        try {
            recurse(0);
        } catch (StackOverflowError expected) {
            // the JVM caught its guard-page fault and turned it into this error, as it should
        }
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }
}
