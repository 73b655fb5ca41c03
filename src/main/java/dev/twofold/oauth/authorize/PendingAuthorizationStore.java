package dev.twofold.oauth.authorize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Json;
import dev.twofold.store.Database;
import dev.twofold.store.JsonColumns;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Persists pending authorization requests in {@code authorize_requests}. Thread-safe. */
public final class PendingAuthorizationStore {

    /** How long the user has to finish the hosted pages. */
    public static final Duration LIFETIME = Duration.ofHours(1);
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {
    };

    private final Database database;
    private final Clock clock;

    public PendingAuthorizationStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Stores a new pending request for the browser whose cookie hashes to browserHash. */
    public PendingAuthorization create(AuthorizeRequest request, String browserHash) {
        Instant now = clock.instant();
        PendingAuthorization pending = new PendingAuthorization(Randoms.id("req_"), request,
                browserHash, now, now.plus(LIFETIME));
        database.inTransaction(handle -> handle.createUpdate("INSERT INTO authorize_requests"
                + " (id, client_id, details, created_at, expires_at)"
                + " VALUES (:id, :clientId, :details, :createdAt, :expiresAt)")
                .bind("id", pending.id())
                .bind("clientId", request.clientId())
                .bind("details", JsonColumns.write(Map.of("request", request.values(),
                        "browser", browserHash)))
                .bind("createdAt", now.toEpochMilli())
                .bind("expiresAt", pending.expiresAt().toEpochMilli())
                .execute());
        return pending;
    }

    /** The pending request with this id, unless it expired or was finished. */
    public Optional<PendingAuthorization> find(String id) {
        return database.withHandle(handle -> handle.createQuery(
                "SELECT * FROM authorize_requests WHERE id = :id AND expires_at > :now")
                .bind("id", id).bind("now", clock.millis())
                .map((row, context) -> map(row.getString("id"), row.getString("details"),
                        row.getLong("created_at"), row.getLong("expires_at")))
                .findOne());
    }

    /** Finishes a pending request; the row count says whether this caller finished it. */
    boolean finish(Handle handle, String id) {
        return handle.createUpdate("DELETE FROM authorize_requests WHERE id = :id"
                + " AND expires_at > :now").bind("id", id).bind("now", clock.millis())
                .execute() == 1;
    }

    /** Deletes expired rows; returns how many. */
    public int purgeExpired() {
        return database.inTransaction(handle -> handle.createUpdate(
                "DELETE FROM authorize_requests WHERE expires_at <= :now")
                .bind("now", clock.millis()).execute());
    }

    @SuppressWarnings("unchecked")
    private static PendingAuthorization map(String id, String detailsJson, long createdAt,
                                            long expiresAt) {
        try {
            Map<String, Object> details = Json.MAPPER.readValue(detailsJson, DETAILS);
            return new PendingAuthorization(id,
                    new AuthorizeRequest((Map<String, String>) details.get("request")),
                    (String) details.get("browser"), Instant.ofEpochMilli(createdAt),
                    Instant.ofEpochMilli(expiresAt));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored authorization request is corrupt", e);
        }
    }
}
