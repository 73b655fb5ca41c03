package dev.twofold.crypto;

import java.util.Optional;

/**
 * The one password length rule, for sign-up, the Management API and the command-line tool:
 * at least {@value #MIN_LENGTH} characters (NIST SP 800-63B §5.1.1.2) and at most
 * {@value #MAX_LENGTH}, counted in Unicode code points. Stateless.
 */
public final class PasswordRules {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;

    private PasswordRules() {
    }

    /** What is wrong with the password's length, in one sentence; empty when it is fine. */
    public static Optional<String> lengthProblem(String password) {
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            return Optional.of("Password is too short: at least " + MIN_LENGTH
                    + " characters; it has " + length + ".");
        }
        if (length > MAX_LENGTH) {
            return Optional.of("Password is too long: at most " + MAX_LENGTH
                    + " characters; it has " + length + ".");
        }
        return Optional.empty();
    }
}
