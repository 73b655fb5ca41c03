package dev.twofold.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (a password, a client secret, a code, a token) whose {@code toString} masks
 * it and whose {@code equals} runs in constant time, so it cannot leak into a log by accident
 * nor through timing. Immutable and thread-safe.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret itself; call only where it is hashed, compared, encrypted or sent. */
    public String reveal() {
        return value;
    }

    public boolean matches(String candidate) {
        return candidate != null && constantTimeEquals(value, candidate);
    }

    /** Compares two strings in time independent of where they differ. */
    public static boolean constantTimeEquals(String left, String right) {
        return MessageDigest.isEqual(left.getBytes(StandardCharsets.UTF_8),
                right.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && constantTimeEquals(value, secret.value);
    }

    @Override
    public int hashCode() {
        return 0; // A hash of the value would leak information about it.
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
