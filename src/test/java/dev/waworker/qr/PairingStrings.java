package dev.waworker.qr;

import java.util.Base64;
import java.util.random.RandomGenerator;

/**
 * Pairing strings of the shapes whatsmeow hands out, with random content: {@code ref,noiseKey,identityKey,advSecret}
 * (the ref a server-issued "2@..." token, each key 32 bytes in base64), about 245 characters, and the same behind
 * WhatsApp's linked-devices URL with the platform appended, about 290 characters.
 */
final class PairingStrings {

    private PairingStrings() {
    }

    static String plain(RandomGenerator random) {
        return "2@" + base64(random, 81) + "," + base64(random, 32) + "," + base64(random, 32) + ","
                + base64(random, 32);
    }

    static String asLink(RandomGenerator random) {
        return "https://wa.me/settings/linked_devices#" + plain(random) + ",WINDOWS";
    }

    private static String base64(RandomGenerator random, int bytes) {
        byte[] data = new byte[bytes];
        random.nextBytes(data);
        return Base64.getEncoder().encodeToString(data);
    }
}
