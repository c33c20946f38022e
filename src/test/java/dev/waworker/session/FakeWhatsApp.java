package dev.waworker.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientEventListener;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.PairingCode;
import dev.waworker.whatsapp.StoredDevice;
import dev.waworker.whatsapp.WhatsAppClient;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/** A scriptable WhatsApp for the session layer's unit tests: tests emit the client events by hand. */
final class FakeWhatsApp implements WhatsAppClientFactory {

    /** One opened client; {@code calls} records what the session layer asked of it, in order. */
    static final class FakeClient implements WhatsAppClient {
        final ClientSpec spec;
        final List<String> calls = new CopyOnWriteArrayList<>();
        private final ClientEventListener listener;
        private final FakeWhatsApp network;
        volatile boolean paired;

        FakeClient(ClientSpec spec, ClientEventListener listener, FakeWhatsApp network, boolean paired) {
            this.spec = spec;
            this.listener = listener;
            this.network = network;
            this.paired = paired;
        }

        void emit(ClientEvent event) {
            if (event instanceof ClientEvent.PairSuccess success) {
                paired = true;
                network.stored.put(spec.numberId(), new StoredDevice(spec.numberId(), spec.phoneNumber(),
                        success.jid()));
            }
            listener.onEvent(event);
        }

        @Override
        public boolean isPaired() {
            return paired;
        }

        @Override
        public void connect() {
            record("connect");
        }

        @Override
        public PairingCode requestPairingCode() {
            record("requestPairingCode");
            return network.pairingCodes.get();
        }

        @Override
        public void disconnect() {
            record("disconnect");
        }

        @Override
        public void logout() {
            record("logout");
            paired = false;
            network.stored.remove(spec.numberId());
        }

        @Override
        public void close() {
            record("close");
        }

        private void record(String call) {
            network.enter(spec.numberId());
            try {
                calls.add(call);
                if (call.equals(network.failingCalls.get(spec.numberId()))) {
                    throw new IllegalStateException("injected failure of " + call);
                }
            } finally {
                network.exit(spec.numberId());
            }
        }
    }

    /** How long the fake's pairing codes live, as WhatsApp's do. */
    static final Duration CODE_TTL = Duration.ofSeconds(160);

    final Map<Long, StoredDevice> stored = new ConcurrentHashMap<>();
    private final AtomicInteger codesIssued = new AtomicInteger();
    /** What {@code requestPairingCode()} answers: by default a new code each time, CODE-0001, CODE-0002, ... */
    volatile Supplier<PairingCode> pairingCodes =
            () -> new PairingCode("CODE-%04d".formatted(codesIssued.incrementAndGet()), CODE_TTL);
    private final Map<Long, List<FakeClient>> opened = new ConcurrentHashMap<>();
    final List<Long> forgotten = new CopyOnWriteArrayList<>();
    /** Fault injection: the client call (e.g. {@code "connect"}) that throws, by number, from now on. */
    final Map<Long, String> failingCalls = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> busy = new ConcurrentHashMap<>();
    /** Times two calls for the same number overlapped: a broken lane would make this non-zero. */
    final AtomicInteger overlaps = new AtomicInteger();

    @Override
    public WhatsAppClient open(ClientSpec spec, ClientEventListener listener) {
        enter(spec.numberId());
        try {
            FakeClient client = new FakeClient(spec, listener, this, stored.containsKey(spec.numberId()));
            opened.computeIfAbsent(spec.numberId(), id -> new CopyOnWriteArrayList<>()).add(client);
            return client;
        } finally {
            exit(spec.numberId());
        }
    }

    private void enter(long numberId) {
        if (busy.computeIfAbsent(numberId, id -> new AtomicInteger()).incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        Thread.yield(); // widen the window in which an overlapping call of the same number would be caught
    }

    private void exit(long numberId) {
        busy.get(numberId).decrementAndGet();
    }

    @Override
    public List<StoredDevice> storedDevices() {
        return new ArrayList<>(stored.values());
    }

    @Override
    public boolean forget(long numberId) {
        forgotten.add(numberId);
        return stored.remove(numberId) != null;
    }

    /** The last client opened for the number. */
    FakeClient client(long numberId) {
        List<FakeClient> clients = clientsOf(numberId);
        if (clients.isEmpty()) {
            throw new AssertionError("no client was opened for number " + numberId);
        }
        return clients.getLast();
    }

    List<FakeClient> clientsOf(long numberId) {
        return Collections.unmodifiableList(opened.getOrDefault(numberId, List.of()));
    }
}
