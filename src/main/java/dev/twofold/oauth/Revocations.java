package dev.twofold.oauth;

import dev.twofold.store.Database;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Access tokens revoked before their expiry, by refresh-token family ({@code sid}) or by a
 * single token's {@code jti}. Rows are shared by every node. Thread-safe.
 */
public final class Revocations {

    private final Database database;

    public Revocations(Database database) {
        this.database = database;
    }

    // Known gap: expired rows are never purged; the table grows by one row per revocation.
    /** Revokes every token whose {@code sid} or {@code jti} is {@code subject}; idempotent. */
    public void revoke(Handle handle, String subject, long now, long expiresAt) {
        handle.createUpdate("INSERT INTO revocations (subject, revoked_at, expires_at)"
                        + " VALUES (:subject, :now, :expiresAt) ON CONFLICT DO NOTHING")
                .bind("subject", subject).bind("now", now).bind("expiresAt", expiresAt)
                .execute();
    }

    /** Whether the token's {@code jti} or its {@code sid} was revoked. */
    public boolean isRevoked(String jti, Optional<String> sid) {
        return database.withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM revocations WHERE subject = :jti OR subject = :sid")
                .bind("jti", jti).bind("sid", sid.orElse(jti))
                .mapTo(Integer.class).one()) > 0;
    }
}
