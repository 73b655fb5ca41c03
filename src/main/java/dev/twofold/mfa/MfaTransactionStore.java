package dev.twofold.mfa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.crypto.Randoms;
import dev.twofold.oauth.Authentication;
import dev.twofold.server.Json;
import dev.twofold.store.Database;
import dev.twofold.store.JsonColumns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Persists MFA transactions. The {@code mfa_token} itself is never stored, only its SHA-256;
 * a step-up transaction is stored under the SHA-256 of its access token's {@code jti}.
 * Thread-safe.
 */
public final class MfaTransactionStore {

    private static final String STEP_UP_KEY = "jti:";
    private static final String BROWSER_KEY = "browser:";

    private final Database database;
    private final Clock clock;
    private final MfaSettings settings;

    public MfaTransactionStore(Database database, Clock clock, MfaSettings settings) {
        this.database = database;
        this.clock = clock;
        this.settings = settings;
    }

    /** Starts a login transaction and returns its new {@code mfa_token}. */
    public String startLogin(Authentication authentication) {
        String token = Randoms.token("mfa_");
        Instant now = clock.instant();
        database.inTransaction(handle -> insert(handle, Randoms.sha256(token),
                MfaTransaction.Kind.LOGIN, authentication, now,
                now.plus(settings.transactionLifetime())));
        return token;
    }

    /** The login transaction of an {@code mfa_token}, whatever its state. */
    public Optional<MfaTransaction> findByToken(String mfaToken) {
        return findByHash(Randoms.sha256(mfaToken));
    }

    /**
     * The step-up transaction of an access token, created on first use; it expires with the
     * access token.
     */
    public MfaTransaction stepUp(String jti, Authentication authentication, Instant expiresAt) {
        String hash = Randoms.sha256(STEP_UP_KEY + jti);
        Optional<MfaTransaction> existing = findByHash(hash);
        if (existing.isPresent()) {
            return existing.get();
        }
        database.inTransaction(handle -> handle.createUpdate("INSERT INTO mfa_transactions"
                        + " (id, token_hash, kind, user_id, client_id, audience, scope, amr,"
                        + " auth_time, details, created_at, expires_at) VALUES (:id, :hash,"
                        + " :kind, :userId, :clientId, :audience, :scope, :amr, :authTime,"
                        + " :details, :now, :expiresAt) ON CONFLICT DO NOTHING")
                .bindMap(row(hash, MfaTransaction.Kind.STEP_UP, authentication,
                        clock.instant(), expiresAt))
                .execute());
        return findByHash(hash).orElseThrow();
    }

    /**
     * The login transaction of a hosted sign-in, found by a key only its browser can compute
     * (so it is never sent anywhere); a new one when there is none, or when the last one
     * expired or was spent.
     */
    public MfaTransaction forBrowser(String browserKey, Authentication authentication) {
        String hash = Randoms.sha256(BROWSER_KEY + browserKey);
        Instant now = clock.instant();
        Optional<MfaTransaction> existing = findByHash(hash).filter(transaction ->
                transaction.consumedAt().isEmpty() && transaction.expiresAt().isAfter(now));
        if (existing.isPresent()) {
            return existing.get();
        }
        database.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM mfa_transactions WHERE token_hash = :hash")
                    .bind("hash", hash).execute();
            // Two pages of one browser at once: the second insert finds the first one's row.
            return handle.createUpdate("INSERT INTO mfa_transactions (id, token_hash, kind,"
                            + " user_id, client_id, audience, scope, amr, auth_time, details,"
                            + " created_at, expires_at) VALUES (:id, :hash, :kind, :userId,"
                            + " :clientId, :audience, :scope, :amr, :authTime, :details, :now,"
                            + " :expiresAt) ON CONFLICT DO NOTHING")
                    .bindMap(row(hash, MfaTransaction.Kind.LOGIN, authentication, now,
                            now.plus(settings.transactionLifetime())))
                    .execute();
        });
        return findByHash(hash).orElseThrow();
    }

    /**
     * Spends a login transaction; true for exactly one caller. Step-up transactions are not
     * spent (each issuance from them needs a fresh factor), so they always answer true.
     */
    public boolean spend(Handle handle, MfaTransaction transaction) {
        if (transaction.isStepUp()) {
            return true;
        }
        return handle.createUpdate("UPDATE mfa_transactions SET consumed_at = :now"
                        + " WHERE id = :id AND consumed_at IS NULL")
                .bind("now", clock.millis()).bind("id", transaction.id()).execute() == 1;
    }

    /** Removes transactions that expired more than a day ago. */
    public int purgeExpired() {
        long before = clock.millis() - 86_400_000L;
        return database.inTransaction(handle -> handle.createUpdate(
                "DELETE FROM mfa_transactions WHERE expires_at < :before")
                .bind("before", before).execute());
    }

    private Optional<MfaTransaction> findByHash(String hash) {
        return database.withHandle(handle -> handle.createQuery(
                        "SELECT * FROM mfa_transactions WHERE token_hash = :hash")
                .bind("hash", hash).map((resultSet, context) -> map(resultSet)).findOne());
    }

    private int insert(Handle handle, String hash, MfaTransaction.Kind kind,
                        Authentication authentication, Instant now, Instant expiresAt) {
        return handle.createUpdate("INSERT INTO mfa_transactions (id, token_hash, kind, user_id,"
                        + " client_id, audience, scope, amr, auth_time, details, created_at,"
                        + " expires_at) VALUES (:id, :hash, :kind, :userId, :clientId, :audience,"
                        + " :scope, :amr, :authTime, :details, :now, :expiresAt)")
                .bindMap(row(hash, kind, authentication, now, expiresAt))
                .execute();
    }

    private static Map<String, Object> row(String hash, MfaTransaction.Kind kind,
                                           Authentication authentication, Instant now,
                                           Instant expiresAt) {
        Map<String, Object> details = new LinkedHashMap<>();
        authentication.nonce().ifPresent(nonce -> details.put("nonce", nonce));
        authentication.acr().ifPresent(acr -> details.put("acr", acr));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", Randoms.id("mtx_"));
        row.put("hash", hash);
        row.put("kind", kind.name());
        row.put("userId", authentication.userId());
        row.put("clientId", authentication.clientId());
        row.put("audience", authentication.audience().orElse(null));
        row.put("scope", String.join(" ", authentication.scope()));
        row.put("amr", JsonColumns.write(authentication.amr()));
        row.put("authTime", authentication.authTime().toEpochMilli());
        row.put("details", JsonColumns.write(details));
        row.put("now", now.toEpochMilli());
        row.put("expiresAt", expiresAt.toEpochMilli());
        return row;
    }

    private static MfaTransaction map(ResultSet row) throws SQLException {
        JsonNode details = readDetails(row.getString("details"));
        String scope = row.getString("scope");
        long consumed = row.getLong("consumed_at");
        boolean wasConsumed = !row.wasNull();
        return new MfaTransaction(
                row.getString("id"),
                MfaTransaction.Kind.valueOf(row.getString("kind")),
                row.getString("user_id"),
                row.getString("client_id"),
                Optional.ofNullable(row.getString("audience")),
                scope == null || scope.isBlank() ? Set.of()
                        : new LinkedHashSet<>(List.of(scope.trim().split(" +"))),
                JsonColumns.strings(row.getString("amr")),
                text(details, "acr"),
                Instant.ofEpochMilli(row.getLong("auth_time")),
                text(details, "nonce"),
                Instant.ofEpochMilli(row.getLong("expires_at")),
                wasConsumed ? Optional.of(Instant.ofEpochMilli(consumed)) : Optional.empty());
    }

    private static Optional<String> text(JsonNode details, String name) {
        JsonNode node = details.get(name);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    private static JsonNode readDetails(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored MFA transaction details are corrupt", e);
        }
    }
}
