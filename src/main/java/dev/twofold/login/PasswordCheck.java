package dev.twofold.login;

import dev.twofold.crypto.PasswordHasher;
import dev.twofold.store.User;
import dev.twofold.store.UserStore;
import java.util.Optional;

/**
 * The first factor of the hosted login: email and password against the default database
 * connection. An unknown address costs the same hashing work as a wrong password, so timing
 * does not tell whether the user exists. Thread-safe.
 */
final class PasswordCheck {

    // Known gap: failed passwords are not counted per user or IP yet, so guessing is slowed
    // only by the hashing cost.

    static final int MAX_EMAIL = 320;
    static final int MAX_PASSWORD = 1024;

    private final UserStore users;
    private final PasswordHasher passwords;
    private volatile String decoyHash;

    PasswordCheck(UserStore users, PasswordHasher passwords) {
        this.users = users;
        this.passwords = passwords;
    }

    /** The user whose email and password these are; empty for any mismatch. */
    Optional<User> verify(String email, String password) {
        if (email.isBlank() || email.length() > MAX_EMAIL || password.length() > MAX_PASSWORD) {
            return Optional.empty();
        }
        Optional<User> user = users.findByEmail(User.DEFAULT_CONNECTION, email);
        String hash = user.flatMap(User::passwordHash).orElseGet(this::decoyHash);
        boolean matches = passwords.verify(password, hash);
        return matches ? user : Optional.empty();
    }

    private String decoyHash() {
        String hash = decoyHash;
        if (hash == null) {
            hash = passwords.hash("decoy-" + System.nanoTime());
            decoyHash = hash;
        }
        return hash;
    }
}
