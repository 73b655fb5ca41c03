package dev.twofold.oauth;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Json;
import dev.twofold.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Refresh tokens, stored as their SHA-256. Tokens of one login share a family; rotation marks
 * the presented token {@code rotated_at} with a conditional update, so of concurrent refreshes
 * with one token exactly one wins (RFC 9700 §4.14.2). Thread-safe.
 */
public final class RefreshTokenStore {

    private final Database database;

    public RefreshTokenStore(Database database) {
        this.database = database;
    }

    /** What a refresh token remembers of the login it came from. */
    public record Details(Optional<String> audience, Set<String> scope, List<String> amr,
                          Optional<String> acr, long authTime) {

        public Details {
            scope = Set.copyOf(scope);
            amr = List.copyOf(amr);
        }

        static Details of(Authentication authentication) {
            return new Details(authentication.audience(), authentication.scope(),
                    authentication.amr(), authentication.acr(),
                    authentication.authTime().toEpochMilli());
        }

        Authentication toAuthentication(String userId, String clientId) {
            return new Authentication(userId, clientId, audience, scope, amr, acr,
                    Instant.ofEpochMilli(authTime), Optional.empty());
        }
    }

    /**
     * A stored refresh token; {@code familyRevoked} when its family has a row in
     * {@code revocations} (read with the token, in the same statement).
     */
    public record Stored(String tokenHash, String familyId, String clientId, String userId,
                         Details details, long expiresAt, Optional<Long> rotatedAt,
                         Optional<Long> revokedAt, boolean familyRevoked) {
    }

    public void insert(Handle handle, String token, String familyId, Authentication login,
                       long now, long expiresAt) {
        handle.createUpdate("INSERT INTO refresh_tokens (token_hash, family_id, client_id,"
                        + " user_id, details, created_at, expires_at) VALUES (:hash, :family,"
                        + " :client, :user, :details, :now, :expiresAt)")
                .bind("hash", Randoms.sha256(token)).bind("family", familyId)
                .bind("client", login.clientId()).bind("user", login.userId())
                .bind("details", write(Details.of(login))).bind("now", now)
                .bind("expiresAt", expiresAt).execute();
    }

    /** The token stored under the SHA-256 of {@code token}, with its family's revocation. */
    public Optional<Stored> find(String token) {
        return database.withHandle(handle -> handle.createQuery("SELECT r.*, EXISTS (SELECT 1"
                        + " FROM revocations v WHERE v.subject = r.family_id) AS family_revoked"
                        + " FROM refresh_tokens r WHERE r.token_hash = :hash")
                .bind("hash", Randoms.sha256(token))
                .map((row, context) -> map(row)).findOne());
    }

    /** Marks the token rotated; false when another request rotated or revoked it first. */
    public boolean spend(Handle handle, String tokenHash, long now) {
        return handle.createUpdate("UPDATE refresh_tokens SET rotated_at = :now"
                        + " WHERE token_hash = :hash AND rotated_at IS NULL AND revoked_at IS NULL")
                .bind("now", now).bind("hash", tokenHash).execute() == 1;
    }

    // Known gap: spent and expired rows are never purged; the table grows with every refresh.
    /** Revokes every token of the family; returns how many were still live. */
    public int revokeFamily(Handle handle, String familyId, long now) {
        return handle.createUpdate("UPDATE refresh_tokens SET revoked_at = :now"
                        + " WHERE family_id = :family AND revoked_at IS NULL")
                .bind("now", now).bind("family", familyId).execute();
    }

    private static Stored map(ResultSet row) throws SQLException {
        return new Stored(row.getString("token_hash"), row.getString("family_id"),
                row.getString("client_id"), row.getString("user_id"),
                read(row.getString("details")), row.getLong("expires_at"),
                Optional.ofNullable(row.getObject("rotated_at", Long.class)),
                Optional.ofNullable(row.getObject("revoked_at", Long.class)),
                row.getBoolean("family_revoked"));
    }

    /** The JSON form of {@link Details}: plain nullable fields, no Optionals. */
    private record DetailsJson(String audience, List<String> scope, List<String> amr,
                               String acr, long authTime) {
    }

    private static String write(Details details) {
        try {
            return Json.MAPPER.writeValueAsString(new DetailsJson(
                    details.audience().orElse(null), List.copyOf(details.scope()),
                    details.amr(), details.acr().orElse(null), details.authTime()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Refresh token details cannot be written", e);
        }
    }

    private static Details read(String json) {
        try {
            DetailsJson stored = Json.MAPPER.readValue(json, DetailsJson.class);
            return new Details(Optional.ofNullable(stored.audience()),
                    new LinkedHashSet<>(stored.scope()), stored.amr(),
                    Optional.ofNullable(stored.acr()), stored.authTime());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored refresh token details are corrupt", e);
        }
    }
}
