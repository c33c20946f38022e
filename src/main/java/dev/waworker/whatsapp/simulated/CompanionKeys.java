package dev.waworker.whatsapp.simulated;

import java.util.Base64;
import java.util.random.RandomGenerator;

/**
 * The public key material a companion device shows in its pairing QR. whatsmeow keeps it in the device store,
 * so it stays the same for every ref of every connection of one unpaired client; only the refs change.
 *
 * @param noiseKey    public key of the Noise handshake, base64
 * @param identityKey public Signal identity key, base64
 * @param advSecret   secret the phone uses to sign the device identity it hands back, base64
 */
record CompanionKeys(String noiseKey, String identityKey, String advSecret) {

    private static final int KEY_BYTES = 32;

    /**
     * The platform field of the QR: WhatsApp's companion web client type, 9 being "other web client", which is
     * what third-party companions (whatsmeow-based ones included) announce.
     */
    static final String COMPANION_PLATFORM = "9";

    private static final String LINKED_DEVICES_URL = "https://wa.me/settings/linked_devices#";

    static CompanionKeys generate(RandomGenerator random) {
        return new CompanionKeys(randomBase64(random), randomBase64(random), randomBase64(random));
    }

    /** The text a QR encodes for one ref, in the shape WhatsApp's current clients use. */
    String pairingString(String ref) {
        return LINKED_DEVICES_URL + String.join(",", ref, noiseKey, identityKey, advSecret, COMPANION_PLATFORM);
    }

    private static String randomBase64(RandomGenerator random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Key material is credential-grade: keep it out of logs. */
    @Override
    public String toString() {
        return "CompanionKeys[redacted]";
    }
}
