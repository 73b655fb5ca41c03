package dev.twofold.mfa;

import dev.twofold.crypto.Randoms;
import dev.twofold.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Persists authenticators. A user has at most one unconfirmed authenticator per kind: a new
 * enrollment replaces the previous unconfirmed one and never touches an active one (BUG-12).
 * Thread-safe.
 */
public final class AuthenticatorStore {

    private final Database database;

    public AuthenticatorStore(Database database) {
        this.database = database;
    }

    /** A new authenticator id such as {@code totp|dev_…}. */
    public static String newId(AuthenticatorKind kind) {
        return kind.idPrefix() + "|" + Randoms.id("dev_");
    }

    /** Every authenticator of a user, oldest first, confirmed or not. */
    public List<Authenticator> list(String userId) {
        return database.withHandle(handle -> list(handle, userId));
    }

    public List<Authenticator> list(Handle handle, String userId) {
        return handle.createQuery("SELECT * FROM authenticators WHERE user_id = :userId"
                        + " ORDER BY created_at, id")
                .bind("userId", userId).map((resultSet, context) -> map(resultSet)).list();
    }

    /** The user's confirmed authenticators other than the recovery code. */
    public List<Authenticator> activeFactors(String userId) {
        return list(userId).stream()
                .filter(authenticator -> authenticator.active()
                        && authenticator.kind() != AuthenticatorKind.RECOVERY_CODE)
                .toList();
    }

    public boolean hasActiveFactor(String userId) {
        return !activeFactors(userId).isEmpty();
    }

    public Optional<Authenticator> find(String id) {
        return database.withHandle(handle -> find(handle, id));
    }

    public Optional<Authenticator> find(Handle handle, String id) {
        return handle.createQuery("SELECT * FROM authenticators WHERE id = :id")
                .bind("id", id).map((resultSet, context) -> map(resultSet)).findOne();
    }

    /** Inserts an unconfirmed authenticator, replacing the user's unconfirmed one of its kind. */
    public void insertPending(Handle handle, Authenticator authenticator) {
        // Concurrent enrollments of one user queue on the user's row; without it, under READ
        // COMMITTED each DELETE misses the others' uncommitted rows and every one stays pending.
        lockUser(handle, authenticator.userId());
        handle.createUpdate("DELETE FROM authenticators WHERE user_id = :userId"
                        + " AND kind = :kind AND active = FALSE")
                .bind("userId", authenticator.userId())
                .bind("kind", authenticator.kind().idPrefix()).execute();
        handle.createUpdate("INSERT INTO authenticators (id, user_id, kind, active, secret_enc,"
                        + " phone_enc, email, display_name, code_hash, created_at,"
                        + " enrollment_transaction_id) VALUES (:id, :userId, :kind, :active,"
                        + " :secret, :phone, :email, :name, :codeHash, :createdAt, :transaction)")
                .bind("id", authenticator.id())
                .bind("userId", authenticator.userId())
                .bind("kind", authenticator.kind().idPrefix())
                .bind("active", authenticator.active())
                .bind("secret", authenticator.secretSealed().orElse(null))
                .bind("phone", authenticator.phoneSealed().orElse(null))
                .bind("email", authenticator.email().orElse(null))
                .bind("name", authenticator.displayName().orElse(null))
                .bind("codeHash", authenticator.codeHash().orElse(null))
                .bind("createdAt", authenticator.createdAt())
                .bind("transaction", authenticator.enrollmentTransactionId().orElse(null))
                .execute();
    }

    /** Locks the user's row until the caller's transaction ends, to queue its changes. */
    public void lockUser(Handle handle, String userId) {
        handle.createQuery("SELECT user_id FROM users WHERE user_id = :userId FOR UPDATE")
                .bind("userId", userId).mapTo(String.class).findOne();
    }

    /** Confirms an unconfirmed authenticator; true for exactly one caller. */
    public boolean activate(Handle handle, String id, long now) {
        return handle.createUpdate("UPDATE authenticators SET active = TRUE, confirmed_at = :now,"
                        + " last_auth_at = :now, enrollment_transaction_id = NULL"
                        + " WHERE id = :id AND active = FALSE")
                .bind("now", now).bind("id", id).execute() == 1;
    }

    /**
     * Records an accepted TOTP time step and the authenticator's last use; true for exactly
     * one caller, and only if the step is newer than every step accepted before (RFC 6238
     * §5.2: a code is accepted once).
     */
    public boolean spendStep(Handle handle, String id, long step, long now) {
        return handle.createUpdate("UPDATE authenticators SET last_used_step = :step,"
                        + " last_auth_at = :now WHERE id = :id"
                        + " AND (last_used_step IS NULL OR last_used_step < :step)")
                .bind("step", step).bind("now", now).bind("id", id).execute() == 1;
    }

    /** Records a successful use, for a factor whose spend does not update this row. */
    public void touch(Handle handle, String id, long now) {
        handle.createUpdate("UPDATE authenticators SET last_auth_at = :now WHERE id = :id")
                .bind("now", now).bind("id", id).execute();
    }

    /**
     * Replaces the code hash of a recovery code if it still equals {@code expectedHash}; true
     * for exactly one caller, so one recovery code is spent once.
     */
    public boolean replaceCodeHash(Handle handle, String id, String expectedHash,
                                   String newHash, long now) {
        return handle.createUpdate("UPDATE authenticators SET code_hash = :newHash,"
                        + " last_auth_at = :now WHERE id = :id AND code_hash = :expected")
                .bind("newHash", newHash).bind("now", now).bind("id", id)
                .bind("expected", expectedHash).execute() == 1;
    }

    public boolean delete(Handle handle, String id) {
        return handle.createUpdate("DELETE FROM authenticators WHERE id = :id")
                .bind("id", id).execute() == 1;
    }

    private static Authenticator map(ResultSet row) throws SQLException {
        long lastUsed = row.getLong("last_used_step");
        Optional<Long> lastUsedStep = row.wasNull() ? Optional.empty() : Optional.of(lastUsed);
        return new Authenticator(
                row.getString("id"),
                row.getString("user_id"),
                AuthenticatorKind.fromColumn(row.getString("kind")),
                row.getBoolean("active"),
                Optional.ofNullable(row.getString("secret_enc")),
                Optional.ofNullable(row.getString("phone_enc")),
                Optional.ofNullable(row.getString("email")),
                Optional.ofNullable(row.getString("display_name")),
                Optional.ofNullable(row.getString("code_hash")),
                lastUsedStep,
                row.getLong("created_at"),
                Optional.ofNullable(row.getString("enrollment_transaction_id")));
    }
}
