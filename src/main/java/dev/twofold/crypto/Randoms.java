package dev.twofold.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random identifiers, opaque tokens and one-time codes, and the SHA-256 digests under which
 * tokens and codes are stored. Thread-safe.
 */
public final class Randoms {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Randoms() {
    }

    /** {@code bytes} random bytes, base64url without padding. */
    public static String urlSafe(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return URL.encodeToString(buffer);
    }

    /**
     * An opaque token with a type prefix (DESIGN §1.3), such as {@code mfa_…} or {@code rt_…}:
     * 32 random bytes, so it cannot be guessed, and a prefix, so a token in the wrong place is
     * recognised and secret scanners can find a leaked one.
     */
    public static String token(String prefix) {
        return prefix + urlSafe(32);
    }

    /** A decimal code of the given number of digits, leading zeros kept. */
    public static String digits(int count) {
        StringBuilder code = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            code.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return code.toString();
    }

    /** An identifier such as {@code dev_…}: 16 random bytes, base64url. */
    public static String id(String prefix) {
        return prefix + urlSafe(16);
    }

    public static byte[] bytes(int count) {
        byte[] buffer = new byte[count];
        RANDOM.nextBytes(buffer);
        return buffer;
    }

    /** The SHA-256 of a token or code, hex: what the database stores in its place. */
    public static String sha256(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
