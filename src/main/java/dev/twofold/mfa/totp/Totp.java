package dev.twofold.mfa.totp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords, RFC 6238 over HOTP (RFC 4226). Each step of the algorithm is
 * its own method: {@link #timeStep}, {@link #hmac}, {@link #truncate}, {@link #format}.
 * Immutable and thread-safe.
 *
 * @param algorithm the JCA HMAC name: {@code HmacSHA1} (the default apps use),
 *     {@code HmacSHA256} or {@code HmacSHA512}
 * @param digits the code length (6 for authenticator apps, 8 in RFC 6238 Appendix B)
 * @param period the time step X of RFC 6238 §4.1
 */
public record Totp(String algorithm, int digits, Duration period) {

    /** What Google Authenticator and Auth0 use: SHA-1, 6 digits, 30 seconds. */
    public static final Totp DEFAULT = new Totp("HmacSHA1", 6, Duration.ofSeconds(30));

    /** RFC 6238 §4.2: T = floor((now - T0) / X) with T0 = 0. */
    public long timeStep(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), period.toSeconds());
    }

    /** The code for a time step, as a string of exactly {@link #digits} digits. */
    public String code(byte[] key, long step) {
        return format(truncate(hmac(key, step)));
    }

    /** The code at an instant. */
    public String code(byte[] key, Instant now) {
        return code(key, timeStep(now));
    }

    /** RFC 4226 §5.3 step 1: HS = HMAC(K, C), C the step as an 8-byte big-endian counter. */
    byte[] hmac(byte[] key, long step) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC " + algorithm + " is unavailable", e);
        }
    }

    /** RFC 4226 §5.3 step 2: dynamic truncation to a 31-bit number. */
    static int truncate(byte[] hash) {
        int offset = hash[hash.length - 1] & 0x0F;
        return ((hash[offset] & 0x7F) << 24) | ((hash[offset + 1] & 0xFF) << 16)
                | ((hash[offset + 2] & 0xFF) << 8) | (hash[offset + 3] & 0xFF);
    }

    /** RFC 4226 §5.3 step 3: modulo 10^digits, left-padded with zeros (R6). */
    String format(int binary) {
        long modulus = (long) Math.pow(10, digits);
        String value = Long.toString(binary % modulus);
        return "0".repeat(digits - value.length()) + value;
    }
}
