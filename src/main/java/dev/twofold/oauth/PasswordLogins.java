package dev.twofold.oauth;

import dev.twofold.server.Setting;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.AttemptCounters;
import dev.twofold.store.User;
import dev.twofold.store.UserStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks an email and password of a database connection, for the password grants and the
 * hosted login page, with brute-force protection as Auth0 has it: after
 * {@code TWOFOLD_PASSWORD_MAX_FAILURES} (10) wrong passwords for one login name from one IP
 * address within {@code TWOFOLD_PASSWORD_LOCKOUT} (15 minutes), that address is refused for
 * that name until the lock ends, even with the right password; other addresses, and other
 * names from that address, are not affected. A success, a new password or an administrator
 * ({@code DELETE /api/v2/user-blocks/{id}}) clears the count. Names are counted whether or
 * not a user has them, so the lock tells nothing about who exists; an unknown name costs the
 * same hashing work as a wrong password. Counters live in the database, so every node shares
 * them. Thread-safe.
 */
public final class PasswordLogins {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordLogins.class);
    /** The longest login name checked; a longer one is refused without a lookup. */
    public static final int MAX_EMAIL = 320;
    private static final int MAX_PASSWORD = 1024;

    /** What a check found. */
    public sealed interface Result {
    }

    /** The password is the user's; the user may still be blocked by an administrator. */
    public record Accepted(User user) implements Result {
    }

    /**
     * Wrong name or password (one answer for both to the client).
     *
     * @param userId the user whose password was wrong, for the audit log only; empty when no
     *     user has the name
     */
    public record Refused(Optional<String> userId) implements Result {
    }

    /** This address may not try this name again before {@code until}. */
    public record Locked(Instant until) implements Result {
    }

    private final Services services;
    private final AttemptCounters counters;
    private final int maxFailures;
    private final Duration lockout;
    private volatile String decoyHash;

    public PasswordLogins(Services services) {
        this.services = services;
        this.counters = new AttemptCounters(services.database());
        this.maxFailures = services.settings().getInt(Setting.PASSWORD_MAX_FAILURES);
        this.lockout = services.settings().getDuration(Setting.PASSWORD_LOCKOUT);
    }

    // Known gap: forwarded headers are not read, so behind a reverse proxy every client has the
    // proxy's address and the count becomes one per email.
    public Result verify(String connection, String email, String password, String ip) {
        if (email.isBlank() || email.length() > MAX_EMAIL || password.length() > MAX_PASSWORD) {
            return new Refused(Optional.empty());
        }
        String subject = subjectPrefix(connection, email) + ip;
        long now = services.clock().millis();
        Optional<Long> lockedUntil = counters.lockedUntil(subject, now);
        if (lockedUntil.isPresent()) {
            return new Locked(Instant.ofEpochMilli(lockedUntil.get()));
        }
        Optional<User> user = services.users().findByEmail(connection, email);
        String hash = user.flatMap(User::passwordHash).orElseGet(this::decoyHash);
        boolean matches = services.passwords().verify(password, hash);
        if (user.isPresent() && user.get().passwordHash().isPresent() && matches) {
            services.database().inTransaction(handle -> {
                counters.clear(handle, subject);
                return null;
            });
            upgradeHash(user.get(), hash, password);
            return new Accepted(user.get());
        }
        Optional<Long> locked = services.database().inTransaction(handle ->
                counters.count(handle, subject, now, lockout, maxFailures));
        locked.ifPresent(until -> LOG.warn("Logins for one name blocked from {} until {} after"
                + " {} wrong passwords", ip, Instant.ofEpochMilli(until), maxFailures));
        return new Refused(user.map(User::userId));
    }

    /**
     * Replaces a bcrypt hash (imported from Auth0) or an Argon2id hash with older parameters by
     * an Argon2id hash with the current ones, now that the password is known to be right. The
     * update only applies while the stored hash is still the one verified, so a password
     * changed meanwhile is never overwritten.
     */
    private void upgradeHash(User user, String verifiedHash, String password) {
        if (!services.passwords().needsRehash(verifiedHash)) {
            return;
        }
        String fresh = services.passwords().hash(password);
        if (services.users().replacePasswordHash(user.userId(), verifiedHash, fresh)) {
            LOG.debug("Password hash of user {} upgraded to the current Argon2id parameters",
                    user.userId());
        }
    }

    /** The 429 answer for a locked name and address, as the token endpoint gives it. */
    public static ProtocolError lockedError(Instant until, Instant now) {
        long seconds = Math.max(1, Duration.between(now, until).toSeconds() + 1);
        return ProtocolError.of(429, "too_many_attempts", "Too many wrong passwords for this"
                        + " email from this IP address: logins are blocked until " + until
                        + ". Try again after that time, reset the password, or ask an"
                        + " administrator to unblock the user.")
                .withHeader("Retry-After", Long.toString(seconds));
    }

    /** The addresses that may not try this login name now. */
    public List<String> blockedAddresses(String connection, String email) {
        String prefix = subjectPrefix(connection, email);
        return counters.lockedWithPrefix(prefix, services.clock().millis()).stream()
                .map(subject -> subject.substring(prefix.length())).toList();
    }

    /** Forgets every failure counted for a login name, from all addresses. */
    public void forget(Handle handle, String connection, String email) {
        counters.clearPrefix(handle, subjectPrefix(connection, email));
    }

    /** The counters' subject without the address: the name is hashed, never stored. */
    private static String subjectPrefix(String connection, String email) {
        return "pwd:" + Randoms.sha256(connection + "\n" + UserStore.emailKey(email)) + ":";
    }

    private String decoyHash() {
        String hash = decoyHash;
        if (hash == null) {
            hash = services.passwords().hash(Randoms.urlSafe(24));
            decoyHash = hash;
        }
        return hash;
    }
}
