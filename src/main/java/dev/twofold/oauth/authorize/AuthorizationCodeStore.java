package dev.twofold.oauth.authorize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.crypto.Randoms;
import dev.twofold.oauth.Authentication;
import dev.twofold.server.Json;
import dev.twofold.server.ProtocolError;
import dev.twofold.store.Database;
import dev.twofold.store.JsonColumns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * Authorization codes in {@code authorization_codes}: {@code ac_} + 32 random bytes, stored as
 * SHA-256, valid 60 seconds, spent once by a conditional UPDATE. Thread-safe.
 */
public final class AuthorizationCodeStore {

    /** RFC 6749 §4.1.2 recommends at most ten minutes; one is plenty for a redirect. */
    public static final Duration LIFETIME = Duration.ofSeconds(60);
    /** How long a revocation of a replayed code's tokens is kept: their longest life. */
    private static final Duration REVOCATION_KEPT = Duration.ofDays(30);

    private final Database database;
    private final Clock clock;
    private final PendingAuthorizationStore pendingRequests;

    public AuthorizationCodeStore(Database database, Clock clock,
                                  PendingAuthorizationStore pendingRequests) {
        this.database = database;
        this.clock = clock;
        this.pendingRequests = pendingRequests;
    }

    /** The outcome of spending a code. */
    public sealed interface Redemption {
        /** This caller spent the code. */
        record Spent(IssuedCode code) implements Redemption {
        }

        /** The code was spent before: a replay (RFC 6749 §4.1.2). */
        record Replayed(IssuedCode code) implements Redemption {
        }

        /** The code expired unspent. */
        record Expired() implements Redemption {
        }

        /** No such code. */
        record Unknown() implements Redemption {
        }
    }

    /**
     * Finishes a pending request and issues its code in one transaction; returns the
     * success redirect. A request finished before (a double submit) is refused.
     */
    public String issue(PendingAuthorization pending, Authentication authentication) {
        String code = Randoms.token("ac_");
        Instant now = clock.instant();
        database.inTransaction(handle -> {
            if (!pendingRequests.finish(handle, pending.id())) {
                throw ProtocolError.invalidRequest("This sign-in was already finished or has"
                        + " expired; go back to the application and sign in again.");
            }
            return insert(handle, code, pending.request(), authentication, now);
        });
        return AuthorizationResponses.success(pending.request(), code);
    }

    private int insert(Handle handle, String code, AuthorizeRequest request,
                       Authentication authentication, Instant now) {
        return handle.createUpdate("INSERT INTO authorization_codes (code_hash, client_id,"
                + " user_id, redirect_uri, details, created_at, expires_at) VALUES (:hash,"
                + " :clientId, :userId, :redirectUri, :details, :createdAt, :expiresAt)")
                .bind("hash", Randoms.sha256(code))
                .bind("clientId", authentication.clientId())
                .bind("userId", authentication.userId())
                .bind("redirectUri", request.redirectUri())
                .bind("details", JsonColumns.write(details(request, authentication)))
                .bind("createdAt", now.toEpochMilli())
                .bind("expiresAt", now.plus(LIFETIME).toEpochMilli())
                .execute();
    }

    private static Map<String, Object> details(AuthorizeRequest request,
                                               Authentication authentication) {
        Map<String, Object> details = new LinkedHashMap<>();
        request.codeChallenge().ifPresent(challenge -> details.put("code_challenge", challenge));
        authentication.audience().ifPresent(audience -> details.put("audience", audience));
        details.put("scope", new TreeSet<>(authentication.scope()));
        details.put("amr", authentication.amr());
        authentication.acr().ifPresent(acr -> details.put("acr", acr));
        details.put("auth_time", authentication.authTime().toEpochMilli());
        authentication.nonce().ifPresent(nonce -> details.put("nonce", nonce));
        return details;
    }

    /**
     * Spends a code: of any number of concurrent attempts exactly one gets {@code Spent}
     * (the conditional UPDATE decides); later ones get {@code Replayed}.
     */
    public Redemption redeem(String code) {
        String hash = Randoms.sha256(code);
        long now = clock.millis();
        return database.inTransaction(handle -> {
            int spent = handle.createUpdate("UPDATE authorization_codes SET used_at = :now"
                    + " WHERE code_hash = :hash AND used_at IS NULL AND expires_at > :now")
                    .bind("now", now).bind("hash", hash).execute();
            Optional<IssuedCode> row = find(handle, hash);
            if (row.isEmpty()) {
                return new Redemption.Unknown();
            }
            if (spent == 1) {
                return new Redemption.Spent(row.get());
            }
            return row.get().usedAt().isEmpty() ? new Redemption.Expired()
                    : new Redemption.Replayed(row.get());
        });
    }

    /** Records the token family issued from a spent code, for revocation on replay. */
    public void recordTokenFamily(IssuedCode code, String family) {
        database.inTransaction(handle -> handle.createUpdate("UPDATE authorization_codes"
                + " SET token_family = :family WHERE code_hash = :hash")
                .bind("family", family).bind("hash", code.codeHash()).execute());
    }

    /**
     * Revokes the tokens issued from a replayed code (RFC 6749 §4.1.2: "SHOULD revoke"): the
     * refresh-token family and, through {@code revocations}, its access tokens.
     */
    public boolean revokeTokensOf(IssuedCode code) {
        if (code.tokenFamily().isEmpty()) {
            return false;
        }
        String family = code.tokenFamily().get();
        long now = clock.millis();
        database.inTransaction(handle -> {
            handle.createUpdate("UPDATE refresh_tokens SET revoked_at = :now"
                    + " WHERE family_id = :family AND revoked_at IS NULL")
                    .bind("now", now).bind("family", family).execute();
            boolean known = handle.createQuery("SELECT COUNT(*) FROM revocations"
                    + " WHERE subject = :family").bind("family", family)
                    .mapTo(Integer.class).one() > 0;
            return known ? 0 : handle.createUpdate("INSERT INTO revocations (subject,"
                    + " revoked_at, expires_at) VALUES (:family, :now, :expires)")
                    .bind("family", family).bind("now", now)
                    .bind("expires", now + REVOCATION_KEPT.toMillis()).execute();
        });
        return true;
    }

    private static Optional<IssuedCode> find(Handle handle, String hash) {
        return handle.createQuery("SELECT * FROM authorization_codes WHERE code_hash = :hash")
                .bind("hash", hash).map((row, context) -> map(row)).findOne();
    }

    private static IssuedCode map(ResultSet row) throws SQLException {
        JsonNode details = readDetails(row.getString("details"));
        Authentication authentication = new Authentication(row.getString("user_id"),
                row.getString("client_id"), text(details, "audience"), strings(details, "scope"),
                List.copyOf(strings(details, "amr")), text(details, "acr"),
                Instant.ofEpochMilli(details.path("auth_time").asLong()),
                text(details, "nonce"));
        Long usedAt = row.getObject("used_at", Long.class);
        return new IssuedCode(row.getString("code_hash"), row.getString("redirect_uri"),
                text(details, "code_challenge"), authentication,
                Instant.ofEpochMilli(row.getLong("expires_at")),
                Optional.ofNullable(row.getString("token_family")),
                Optional.ofNullable(usedAt).map(Instant::ofEpochMilli));
    }

    private static JsonNode readDetails(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored authorization code is corrupt", e);
        }
    }

    private static Optional<String> text(JsonNode details, String name) {
        JsonNode node = details.get(name);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    private static Set<String> strings(JsonNode details, String name) {
        List<String> values = new ArrayList<>();
        details.path(name).forEach(node -> values.add(node.asText()));
        return new LinkedHashSet<>(values);
    }
}
