package dev.waworker.whatsapp.simulated;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A pairing code as WhatsApp hands it out for "link with phone number": 8 characters of its base-32 alphabet
 * (digits and capital letters without 0, I, O and U, which read like others), shown as {@code XXXX-XXXX}.
 *
 * @param code the code as shown, with its dash: a credential
 */
record LinkingCode(String code, Instant issuedAt, Duration ttl) {

    /** whatsmeow's {@code linkingBase32} alphabet. */
    static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";
    private static final int HALF = 4;

    /** What a person may type: two groups of four letters or digits, the dash optional, any case. */
    private static final Pattern TYPED = Pattern.compile("[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}");

    static LinkingCode issue(RandomGenerator random, Instant now, Duration ttl) {
        StringBuilder code = new StringBuilder(2 * HALF + 1);
        for (int i = 0; i < 2 * HALF; i++) {
            if (i == HALF) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return new LinkingCode(code.toString(), now, ttl);
    }

    /** Whether {@code typed} has the shape of a code at all (its value aside). */
    static boolean isWellFormed(String typed) {
        return typed != null && TYPED.matcher(typed.strip()).matches();
    }

    boolean isLiveAt(Instant now) {
        return !now.isBefore(issuedAt) && now.isBefore(issuedAt.plus(ttl));
    }

    /** Whether a person typing {@code typed} entered this code; the dash and the case do not matter. */
    boolean matches(String typed) {
        return isWellFormed(typed) && normalized(typed).equals(normalized(code));
    }

    private static String normalized(String code) {
        return code.strip().replace("-", "").toUpperCase(Locale.ROOT);
    }

    /** The code is a credential: keep it out of logs. */
    @Override
    public String toString() {
        return "LinkingCode[issuedAt=" + issuedAt + ", ttl=" + ttl + "]";
    }
}
