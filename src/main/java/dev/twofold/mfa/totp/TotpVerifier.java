package dev.twofold.mfa.totp;

import dev.twofold.crypto.Secret;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * Checks a submitted TOTP code against a key: only exactly {@code digits} ASCII digits are
 * considered (so "81804" never equals "081804"), and the steps within the drift window on
 * both sides of now are tried (RFC 6238 §5.2, §6). Which step matched is returned so that the
 * caller can refuse it a second time (RFC 6238 §5.2). Immutable and thread-safe.
 *
 * @param window how many steps before and after the current one are accepted
 */
public record TotpVerifier(Totp totp, int window) {

    /** SHA-1, 6 digits, 30 s, one step of drift either way. */
    public static final TotpVerifier DEFAULT = new TotpVerifier(Totp.DEFAULT, 1);

    /** The matching step, or empty when the code matches no step in the window. */
    public OptionalLong matchingStep(byte[] key, String submitted, Instant now) {
        if (!isWellFormed(submitted)) {
            return OptionalLong.empty();
        }
        long current = totp.timeStep(now);
        OptionalLong match = OptionalLong.empty();
        // Every step is computed and compared, so timing does not reveal which one matched.
        for (long step = current - window; step <= current + window; step++) {
            if (Secret.constantTimeEquals(totp.code(key, step), submitted)
                    && match.isEmpty()) {
                match = OptionalLong.of(step);
            }
        }
        return match;
    }

    private boolean isWellFormed(String submitted) {
        return submitted != null && submitted.length() == totp.digits()
                && submitted.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
