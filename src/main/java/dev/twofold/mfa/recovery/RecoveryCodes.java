package dev.twofold.mfa.recovery;

import dev.twofold.crypto.Randoms;
import dev.twofold.crypto.Secret;
import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.AuthenticatorKind;
import dev.twofold.mfa.AuthenticatorStore;
import dev.twofold.server.Services;
import dev.twofold.store.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Recovery codes as Auth0 has them: one valid code per user at any moment, 24 random upper-case
 * letters and digits (about 124 bits), stored as SHA-256, shown once, and replaced by a new one
 * each time it is used (NIST SP 800-63B §5.1.2: a look-up secret is used once). The code is
 * matched ignoring case, spaces and hyphens. Thread-safe.
 */
public final class RecoveryCodes {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final int LENGTH = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database database;
    private final AuthenticatorStore authenticators;
    private final Clock clock;

    public RecoveryCodes(Database database, AuthenticatorStore authenticators, Clock clock) {
        this.database = database;
        this.authenticators = authenticators;
        this.clock = clock;
    }

    /** The recovery codes of a node, for other modules (the Management API). */
    public static RecoveryCodes of(Services services) {
        return new RecoveryCodes(services.database(),
                new AuthenticatorStore(services.database()), services.clock());
    }

    /** A new random code. */
    public static String generate() {
        StringBuilder code = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** The form a code is hashed in: upper case, without spaces and hyphens. */
    public static String normalize(String entered) {
        return entered.replace(" ", "").replace("-", "").toUpperCase(Locale.ROOT);
    }

    /**
     * Creates the unconfirmed recovery code of a first enrollment, replacing any earlier
     * unconfirmed one; it becomes valid when the first factor is confirmed. Returns the code.
     */
    public String createPending(Handle handle, String userId, String transactionId) {
        String code = generate();
        authenticators.insertPending(handle, new Authenticator(
                AuthenticatorStore.newId(AuthenticatorKind.RECOVERY_CODE), userId,
                AuthenticatorKind.RECOVERY_CODE, false, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(Randoms.sha256(code)),
                Optional.empty(), clock.millis(), Optional.of(transactionId)));
        return code;
    }

    /** Activates the user's unconfirmed recovery code, with the first confirmed factor. */
    public void activatePending(Handle handle, String userId) {
        handle.createUpdate("UPDATE authenticators SET active = TRUE, confirmed_at = :now,"
                        + " enrollment_transaction_id = NULL WHERE user_id = :userId"
                        + " AND kind = :kind AND active = FALSE")
                .bind("now", clock.millis()).bind("userId", userId)
                .bind("kind", AuthenticatorKind.RECOVERY_CODE.idPrefix()).execute();
    }

    /** The user's valid recovery code entry, if any. */
    public Optional<Authenticator> active(String userId) {
        return authenticators.list(userId).stream()
                .filter(authenticator -> authenticator.kind() == AuthenticatorKind.RECOVERY_CODE)
                .filter(Authenticator::active)
                .findFirst();
    }

    /** Whether an entered code is the entry's current code (constant-time comparison). */
    public static boolean matches(Authenticator entry, String entered) {
        return entry.codeHash()
                .map(hash -> Secret.constantTimeEquals(hash, Randoms.sha256(normalize(entered))))
                .orElse(false);
    }

    /**
     * Spends the entry's current code and returns the new one, in the caller's transaction;
     * empty when a concurrent request spent it first.
     */
    public Optional<String> rotate(Handle handle, Authenticator entry) {
        String next = generate();
        boolean won = authenticators.replaceCodeHash(handle, entry.id(),
                entry.codeHash().orElseThrow(), Randoms.sha256(next), clock.millis());
        return won ? Optional.of(next) : Optional.empty();
    }

    /**
     * Replaces the user's recovery code with a new one, invalidating the old one at once (for
     * {@code POST /api/v2/users/{id}/recovery-code-regeneration}). Empty when the user has no
     * confirmed factor, so no recovery code to regenerate.
     */
    public Optional<String> regenerate(String userId) {
        if (!authenticators.hasActiveFactor(userId)) {
            return Optional.empty();
        }
        String code = generate();
        database.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM authenticators WHERE user_id = :userId"
                            + " AND kind = :kind")
                    .bind("userId", userId)
                    .bind("kind", AuthenticatorKind.RECOVERY_CODE.idPrefix()).execute();
            authenticators.insertPending(handle, new Authenticator(
                    AuthenticatorStore.newId(AuthenticatorKind.RECOVERY_CODE), userId,
                    AuthenticatorKind.RECOVERY_CODE, true, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of(Randoms.sha256(code)),
                    Optional.empty(), clock.millis(), Optional.empty()));
            return null;
        });
        return Optional.of(code);
    }
}
