package dev.waworker.whatsapp.simulated;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

import dev.waworker.config.WhatsAppProperties;
import dev.waworker.whatsapp.ClientEvent;

/**
 * The refs one connection hands out and when each of them can be scanned: ref i is live during
 * {@code [issuedAt + sum(ttl of refs before i), + ttl(i))}; after the last one none is. The session layer shows
 * them with the same lifetimes, so the code it shows is the one the simulated server accepts.
 *
 * @param codes the pairing strings and their lifetimes, as the client reports them
 */
record QrBatch(ClientEvent.QrCodes codes, Instant issuedAt) {

    /** WhatsApp's refs are a version prefix and opaque random bytes in base64. */
    private static final String REF_PREFIX = "2@";
    private static final int REF_BYTES = 54;

    static QrBatch issue(CompanionKeys keys, WhatsAppProperties.Simulator settings, Instant issuedAt,
            RandomGenerator random) {
        List<String> pairingStrings = IntStream.range(0, settings.refsPerConnection())
                .mapToObj(i -> keys.pairingString(randomRef(random)))
                .toList();
        return new QrBatch(
                new ClientEvent.QrCodes(pairingStrings, settings.firstQrTtl(), settings.nextQrTtl()), issuedAt);
    }

    /** The index of the ref a phone scanning at {@code now} would see, if any is still live. */
    OptionalInt liveIndexAt(Instant now) {
        if (now.isBefore(issuedAt)) {
            return OptionalInt.empty();
        }
        Instant windowEnd = issuedAt;
        for (int i = 0; i < codes.codes().size(); i++) {
            windowEnd = windowEnd.plus(codes.ttlOf(i));
            if (now.isBefore(windowEnd)) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The pairing string a phone scanning at {@code now} would read, if any ref is still live. */
    Optional<String> liveCodeAt(Instant now) {
        OptionalInt live = liveIndexAt(now);
        return live.isPresent() ? Optional.of(codes.codes().get(live.getAsInt())) : Optional.empty();
    }

    private static String randomRef(RandomGenerator random) {
        byte[] ref = new byte[REF_BYTES];
        random.nextBytes(ref);
        return REF_PREFIX + Base64.getEncoder().encodeToString(ref);
    }
}
