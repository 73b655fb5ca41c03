package dev.twofold.login;

import dev.twofold.crypto.Randoms;
import dev.twofold.store.Database;
import dev.twofold.store.JsonColumns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Browser sessions in {@code browser_sessions}, keyed by the SHA-256 of the cookie value
 * ({@code ses_} + 32 random bytes). Thread-safe.
 */
public final class BrowserSessionStore {

    private final Database database;
    private final Clock clock;
    private final Duration lifetime;

    public BrowserSessionStore(Database database, Clock clock, Duration lifetime) {
        this.database = database;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A new session and the cookie value that names it (to be sent to the browser once). */
    public record Started(String cookieValue, BrowserSession session) {
    }

    /** Starts a session after the first factor. */
    public Started start(String userId, List<String> amr) {
        String cookieValue = Randoms.token("ses_");
        Instant now = clock.instant();
        BrowserSession session = new BrowserSession(Randoms.sha256(cookieValue), userId, amr,
                now, Optional.empty(), now.plus(lifetime));
        database.inTransaction(handle -> handle.createUpdate("INSERT INTO browser_sessions"
                + " (id_hash, user_id, amr, auth_time, created_at, expires_at)"
                + " VALUES (:hash, :userId, :amr, :now, :now, :expiresAt)")
                .bind("hash", session.idHash()).bind("userId", userId)
                .bind("amr", JsonColumns.write(session.amr())).bind("now", now.toEpochMilli())
                .bind("expiresAt", session.expiresAt().toEpochMilli()).execute());
        return new Started(cookieValue, session);
    }

    /** The live session a cookie value names: not expired, not revoked. */
    public Optional<BrowserSession> find(String cookieValue) {
        if (cookieValue == null || !cookieValue.startsWith("ses_")) {
            return Optional.empty();
        }
        return database.withHandle(handle -> handle.createQuery("SELECT * FROM browser_sessions"
                + " WHERE id_hash = :hash AND revoked_at IS NULL AND expires_at > :now")
                .bind("hash", Randoms.sha256(cookieValue)).bind("now", clock.millis())
                .map((row, context) -> map(row)).findOne());
    }

    /**
     * Records a passed second factor: adds its methods to {@code amr} and sets
     * {@code mfa_time}. For the hosted MFA pages.
     */
    public BrowserSession recordSecondFactor(BrowserSession session, List<String> methods) {
        List<String> amr = new ArrayList<>(session.amr());
        methods.stream().filter(method -> !amr.contains(method)).forEach(amr::add);
        if (!amr.contains("mfa")) {
            amr.add("mfa");
        }
        Instant now = clock.instant();
        database.inTransaction(handle -> handle.createUpdate("UPDATE browser_sessions"
                + " SET amr = :amr, mfa_time = :now WHERE id_hash = :hash")
                .bind("amr", JsonColumns.write(amr)).bind("now", now.toEpochMilli())
                .bind("hash", session.idHash()).execute());
        return new BrowserSession(session.idHash(), session.userId(), amr, session.authTime(),
                Optional.of(now), session.expiresAt());
    }

    /** Ends the session a cookie value names; true if a live one was ended. */
    public boolean revoke(String cookieValue) {
        if (cookieValue == null || !cookieValue.startsWith("ses_")) {
            return false;
        }
        return database.inTransaction(handle -> handle.createUpdate("UPDATE browser_sessions"
                + " SET revoked_at = :now WHERE id_hash = :hash AND revoked_at IS NULL")
                .bind("now", clock.millis()).bind("hash", Randoms.sha256(cookieValue))
                .execute()) == 1;
    }

    private static BrowserSession map(ResultSet row) throws SQLException {
        Long mfaTime = row.getObject("mfa_time", Long.class);
        return new BrowserSession(row.getString("id_hash"), row.getString("user_id"),
                JsonColumns.strings(row.getString("amr")),
                Instant.ofEpochMilli(row.getLong("auth_time")),
                Optional.ofNullable(mfaTime).map(Instant::ofEpochMilli),
                Instant.ofEpochMilli(row.getLong("expires_at")));
    }
}
