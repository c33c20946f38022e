package dev.waworker.whatsapp.simulated;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.config.WhatsAppProperties;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientEventListener;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.PairingCode;
import dev.waworker.whatsapp.StoredDevice;

/**
 * The simulated WhatsApp network: it knows every open connection and the linked devices, hands out QR refs and
 * pairing codes with WhatsApp's lifetimes, and plays the phone's side (scanning a QR, entering a code, removing a
 * linked device).
 *
 * <p>All state changes happen under this object's lock, and events are queued for the event thread while the lock
 * is held, so that each client receives them in the order they happened. Reading the device store and making a
 * client's keys happen outside it: with the database several workers share, a read is a round trip, and under the
 * lock every number's connection would wait for it. Listeners are never called under the
 * lock nor on a caller's thread: the {@code eventThread} must run tasks later, on a thread of its own, in order.
 */
public final class SimulatedWhatsApp {

    private static final Logger log = LoggerFactory.getLogger(SimulatedWhatsApp.class);

    /** What the phone reports as its platform on a pairing (whatsmeow's {@code PairSuccess.Platform}). */
    static final String PHONE_PLATFORM = "android";

    static final String LOGGED_OUT_FROM_PHONE = "device removed from the phone";

    private static final String USER_SERVER = "@s.whatsapp.net";

    private final DeviceStore store;
    private final WhatsAppProperties.Simulator settings;
    private final Clock clock;
    private final Executor eventThread;
    private final RandomGenerator random = new SecureRandom();

    /** The live connection of each connected client; a client that is not connected has none. */
    private final Map<SimulatedClient, Connection> connections = new HashMap<>();

    /** Counts the changes to the device store made here: a read outside the lock is checked against it. */
    private volatile long deviceChanges;

    /**
     * The pairing code each client asked for last, with the connection it was issued on: it can be entered only
     * while that connection is the client's current one (a code belongs to its connection, as on WhatsApp).
     */
    private final Map<SimulatedClient, CodeOnConnection> pairingCodes = new HashMap<>();

    private record CodeOnConnection(Connection connection, LinkingCode code) {
    }

    /** A client's live connection: pairing with a batch of QR refs, or logged in as a linked device. */
    sealed interface Connection {
        record Pairing(QrBatch batch) implements Connection {
        }

        record LoggedIn(StoredDevice device) implements Connection {
        }
    }

    private SimulatedWhatsApp(DeviceStore store, WhatsAppProperties.Simulator settings, Clock clock,
            Executor eventThread) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.eventThread = eventThread;
    }

    /**
     * Starts the network with the linked devices stored in {@code dataDir}.
     *
     * @param eventThread runs the deliveries of events to listeners, later and in order (see the class comment)
     * @throws IllegalStateException when the store file exists but cannot be read
     */
    public static SimulatedWhatsApp startIn(Path dataDir, WhatsAppProperties.Simulator settings, Clock clock,
            Executor eventThread) {
        return startWith(SimulatedDeviceStore.openIn(dataDir), settings, clock, eventThread);
    }

    /** Starts the network with the linked devices of {@code store}, e.g. the database several workers share. */
    static SimulatedWhatsApp startWith(DeviceStore store, WhatsAppProperties.Simulator settings, Clock clock,
            Executor eventThread) {
        return new SimulatedWhatsApp(store, settings, clock, eventThread);
    }

    /** Not under the lock: the keys come from a {@link SecureRandom}, which is safe to share between threads. */
    SimulatedClient open(ClientSpec spec, ClientEventListener listener) {
        return new SimulatedClient(spec, CompanionKeys.generate(random), listener, this, eventThread);
    }

    boolean hasDevice(long numberId) {
        return store.find(numberId).isPresent();
    }

    List<StoredDevice> storedDevices() {
        return store.all();
    }

    synchronized boolean forget(long numberId) {
        return removeDevice(numberId).isPresent();
    }

    /**
     * A paired client logs in as its device (another connection of the same device is replaced, as WhatsApp
     * does); an unpaired one gets a fresh batch of QR refs, live from now on.
     */
    void connect(SimulatedClient client) {
        long changesBefore = deviceChanges;
        Optional<StoredDevice> device = store.find(client.spec().numberId());
        synchronized (this) {
            // Read again only when a device was linked or removed meanwhile (rare): what the store holds decides.
            connectLocked(client, deviceChanges == changesBefore ? device : store.find(client.spec().numberId()));
        }
    }

    /** Every change to the device store goes through here or {@link #removeDevice}, under the lock: it is counted. */
    private void storeDevice(StoredDevice device) {
        deviceChanges++;
        store.put(device);
    }

    private Optional<StoredDevice> removeDevice(long numberId) {
        deviceChanges++;
        return store.remove(numberId);
    }

    private void connectLocked(SimulatedClient client, Optional<StoredDevice> device) {
        if (connections.containsKey(client)) {
            throw new IllegalStateException("client of number " + client.spec().numberId() + " is already connected");
        }
        if (device.isPresent()) {
            replaceOtherConnectionsOf(device.get(), client);
            logIn(client, device.get());
        } else {
            QrBatch batch = QrBatch.issue(client.keys(), settings, clock.instant(), random);
            Connection pairing = new Connection.Pairing(batch);
            connections.put(client, pairing);
            log.debug("Issued {} for number {}", batch, client.spec().numberId());
            client.emitOn(pairing, batch.codes());
        }
    }

    synchronized void disconnect(SimulatedClient client) {
        connections.remove(client);
        pairingCodes.remove(client);
    }

    /** The client unlinks its device: the device is deleted and the connection ends. */
    synchronized void logout(SimulatedClient client) {
        connections.remove(client);
        pairingCodes.remove(client);
        removeDevice(client.spec().numberId());
    }

    /**
     * Hands the client a pairing code for its own number, live for {@code pairing-code-ttl} on its current pairing
     * connection; a previous code of the connection is replaced.
     *
     * @throws IllegalStateException when the client has no pairing connection (not connected, or logged in)
     */
    synchronized PairingCode requestPairingCode(SimulatedClient client) {
        Connection connection = connections.get(client);
        if (!(connection instanceof Connection.Pairing)) {
            throw new IllegalStateException("number " + client.spec().numberId()
                    + " has no pairing connection to ask a pairing code on");
        }
        LinkingCode code = LinkingCode.issue(random, clock.instant(), settings.pairingCodeTtl());
        pairingCodes.put(client, new CodeOnConnection(connection, code));
        log.debug("Issued pairing code {} for number {}", code.code(), client.spec().numberId());
        return new PairingCode(code.code(), code.ttl());
    }

    synchronized boolean isCurrentConnection(SimulatedClient client, Connection connection) {
        return connections.get(client) == connection;
    }

    /**
     * A phone logged in as {@code scannerPhoneNumber} (the requested number when empty) scans the QR the number
     * shows now. Like the pre-pair check of the whatsmeow adapter, an account that is not the requested number is
     * refused: the client gets {@link ClientEvent.PhoneMismatch}, nothing is linked and the connection drops.
     */
    public synchronized ScanOutcome scan(long numberId, Optional<String> scannerPhoneNumber) {
        return clientShowingLiveQr(numberId)
                .<ScanOutcome>map(client -> pair(client, scannerPhoneNumber))
                .orElseGet(ScanOutcome.NoLiveQr::new);
    }

    /**
     * Like {@link #scan}, for a phone that read this exact pairing string off a QR image: it pairs only while that
     * ref is the live one of its connection, so a test can check that the QR it was shown is the one WhatsApp
     * would accept at that moment.
     */
    public synchronized ScanOutcome scanCode(String pairingString, Optional<String> scannerPhoneNumber) {
        Instant now = clock.instant();
        return connections.entrySet().stream()
                .filter(entry -> entry.getValue() instanceof Connection.Pairing(QrBatch batch)
                        && batch.liveCodeAt(now).filter(pairingString::equals).isPresent())
                .map(Map.Entry::getKey)
                .findFirst()
                .<ScanOutcome>map(client -> pair(client, scannerPhoneNumber))
                .orElseGet(ScanOutcome.NoLiveQr::new);
    }

    /**
     * A phone logged in as {@code phoneNumber} (the requested number when empty) types {@code typedCode} for the
     * number: the right code, while live, pairs exactly like a scan (same refusal of another account); a wrong one
     * changes nothing.
     */
    public synchronized CodeEntryOutcome enterCode(long numberId, String typedCode, Optional<String> phoneNumber) {
        Optional<Map.Entry<SimulatedClient, CodeOnConnection>> live = livePairingCodeOf(numberId);
        if (live.isEmpty()) {
            return new CodeEntryOutcome.NoLiveCode();
        }
        if (!live.get().getValue().code().matches(typedCode)) {
            log.info("Simulated phone entered a wrong pairing code for number {}", numberId);
            return new CodeEntryOutcome.WrongCode();
        }
        return pair(live.get().getKey(), phoneNumber);
    }

    private PairingOutcome pair(SimulatedClient client, Optional<String> linkingPhoneNumber) {
        long numberId = client.spec().numberId();
        String requested = client.spec().phoneNumber();
        String account = asAccount(linkingPhoneNumber.orElse(requested));
        pairingCodes.remove(client);
        if (!account.equals(asAccount(requested))) {
            connections.remove(client);
            log.info("Simulated phone {} tried to link number {} ({}): refused, not the requested account",
                    account, numberId, requested);
            client.emit(new ClientEvent.PhoneMismatch(account));
            return new ScanOutcome.PhoneMismatch(requested, account);
        }
        StoredDevice device = new StoredDevice(numberId, account, nextDeviceJid(account));
        storeDevice(device);
        log.info("Simulated phone {} linked number {} as {}", account, numberId, device.jid());
        client.emit(new ClientEvent.PairSuccess(device.jid(), account, PHONE_PLATFORM));
        logIn(client, device);
        return new ScanOutcome.Linked(device);
    }

    /**
     * The phone removes the number's linked device: it is deleted, and its live connections end with
     * {@link ClientEvent.LoggedOut}.
     *
     * @return the removed device, empty when the number had none
     */
    public synchronized Optional<StoredDevice> removeFromPhone(long numberId) {
        Optional<StoredDevice> removed = removeDevice(numberId);
        removed.ifPresent(device -> {
            List<SimulatedClient> loggedIn = clientsLoggedInAs(device);
            loggedIn.forEach(client -> {
                connections.remove(client);
                client.emit(new ClientEvent.LoggedOut(LOGGED_OUT_FROM_PHONE));
            });
            log.info("Simulated phone removed linked device {} of number {}", device.jid(), numberId);
        });
        return removed;
    }

    private void logIn(SimulatedClient client, StoredDevice device) {
        Connection loggedIn = new Connection.LoggedIn(device);
        connections.put(client, loggedIn);
        client.emitOn(loggedIn, new ClientEvent.Connected(device.jid(), device.phoneNumber()));
    }

    private void replaceOtherConnectionsOf(StoredDevice device, SimulatedClient newcomer) {
        clientsLoggedInAs(device).stream()
                .filter(client -> client != newcomer)
                .forEach(replaced -> {
                    connections.remove(replaced);
                    replaced.emit(new ClientEvent.StreamReplaced());
                });
    }

    private List<SimulatedClient> clientsLoggedInAs(StoredDevice device) {
        return connections.entrySet().stream()
                .filter(entry -> entry.getValue() instanceof Connection.LoggedIn(StoredDevice loggedIn)
                        && loggedIn.numberId() == device.numberId())
                .map(Map.Entry::getKey)
                .toList();
    }

    /** When several connections of the number show a live QR, the phone sees the newest one. */
    private Optional<SimulatedClient> clientShowingLiveQr(long numberId) {
        Instant now = clock.instant();
        Optional<SimulatedClient> newest = Optional.empty();
        Instant newestIssuedAt = Instant.MIN;
        for (Map.Entry<SimulatedClient, Connection> entry : connections.entrySet()) {
            if (entry.getKey().spec().numberId() == numberId
                    && entry.getValue() instanceof Connection.Pairing(QrBatch batch)
                    && batch.liveIndexAt(now).isPresent()
                    && batch.issuedAt().isAfter(newestIssuedAt)) {
                newest = Optional.of(entry.getKey());
                newestIssuedAt = batch.issuedAt();
            }
        }
        return newest;
    }

    /** The number's pairing code that can be entered now, if any (the newest, when several clients have one). */
    private Optional<Map.Entry<SimulatedClient, CodeOnConnection>> livePairingCodeOf(long numberId) {
        Instant now = clock.instant();
        return pairingCodes.entrySet().stream()
                .filter(entry -> entry.getKey().spec().numberId() == numberId
                        && connections.get(entry.getKey()) == entry.getValue().connection()
                        && entry.getValue().code().isLiveAt(now))
                .max(Comparator.comparing(entry -> entry.getValue().code().issuedAt()));
    }

    /**
     * WhatsApp numbers each linked device of an account from 1 up; the simulation continues after the highest
     * device the store holds for the account.
     */
    private String nextDeviceJid(String account) {
        String user = account.substring(1);
        int highest = store.all().stream()
                .map(StoredDevice::jid)
                .filter(jid -> jid.startsWith(user + ":"))
                .mapToInt(jid -> Integer.parseInt(jid.substring(user.length() + 1, jid.indexOf('@'))))
                .max()
                .orElse(0);
        return user + ":" + (highest + 1) + USER_SERVER;
    }

    /** WhatsApp identifies an account by the digits of its number: {@code +<digits>} is how we report it. */
    private static String asAccount(String phoneNumber) {
        return "+" + phoneNumber.replaceAll("\\D", "");
    }
}
