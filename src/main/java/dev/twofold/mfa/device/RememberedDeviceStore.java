package dev.twofold.mfa.device;

import dev.twofold.server.Setting;
import dev.twofold.crypto.Randoms;
import dev.twofold.crypto.Secret;
import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.AuthenticatorKind;
import dev.twofold.mfa.AuthenticatorStore;
import dev.twofold.mfa.MfaPolicy;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembered devices in {@code remembered_devices}: the value ({@code rd_…} cookie or
 * {@code dt_…} device_token, 32 random bytes) is given to the device once and stored as its
 * SHA-256. A device is honoured only for the user and client it was issued to, before it
 * expires ({@code TWOFOLD_REMEMBER_DEVICE_DAYS}, default 30), while the user's set of active
 * factors is unchanged since then and the password was not changed after. Thread-safe.
 */
public final class RememberedDeviceStore {

    public static final String BROWSER = "browser";
    public static final String API = "api";
    private static final Logger LOG = LoggerFactory.getLogger(RememberedDeviceStore.class);

    private final Services services;
    private final AuthenticatorStore authenticators;
    private final Duration lifetime;

    public RememberedDeviceStore(Services services) {
        this.services = services;
        this.authenticators = new AuthenticatorStore(services.database());
        this.lifetime = Duration.ofDays(services.settings()
                .getInt(Setting.REMEMBER_DEVICE_DAYS));
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** Remembers a device in its own transaction; returns the value to hand to it once. */
    public String remember(String userId, String clientId, String kind) {
        return services.database().inTransaction(handle ->
                remember(handle, userId, clientId, kind));
    }

    /**
     * Remembers a device inside the caller's transaction (an MFA grant's, so that the tokens
     * and the device_token commit together); its factor set is read on the same handle.
     */
    public String remember(Handle handle, String userId, String clientId, String kind) {
        String value = Randoms.token(API.equals(kind) ? "dt_" : "rd_");
        long now = services.clock().millis();
        handle.createUpdate("INSERT INTO remembered_devices (id, token_hash, user_id,"
                + " client_id, kind, factors_hash, created_at, expires_at) VALUES (:id, :hash,"
                + " :userId, :clientId, :kind, :factors, :now, :expiresAt)")
                .bind("id", Randoms.id("rdev_")).bind("hash", Randoms.sha256(value))
                .bind("userId", userId).bind("clientId", clientId).bind("kind", kind)
                .bind("factors", factorsHash(authenticators.list(handle, userId)))
                .bind("now", now).bind("expiresAt", now + lifetime.toMillis()).execute();
        return value;
    }

    /**
     * Whether {@code value} is a live remembered device of this user and client. The row is
     * found by the SHA-256 of the value, and its stored hash compared in constant time.
     */
    public boolean honours(String value, User user, String clientId) {
        if (value == null || value.length() > 100) {
            return false;
        }
        String hash = Randoms.sha256(value);
        Optional<Row> row = services.database().withHandle(handle -> handle.createQuery(
                "SELECT * FROM remembered_devices WHERE token_hash = :hash"
                        + " AND revoked_at IS NULL AND expires_at > :now")
                .bind("hash", hash).bind("now", services.clock().millis())
                .map((result, context) -> Row.of(result)).findOne());
        boolean live = row.filter(found -> Secret.constantTimeEquals(found.hash(), hash))
                .filter(found -> found.device().userId().equals(user.userId())
                        && found.device().clientId().equals(clientId))
                .filter(found -> stillValid(found, user, factorsHash(user.userId())))
                .isPresent();
        if (!live) {
            LOG.debug("A remembered device was not honoured for client {}", clientId);
        }
        return live;
    }

    /** As {@link #honours(String, User, String)}, for a user named by id. */
    public boolean honours(String value, String userId, String clientId) {
        return services.users().find(userId)
                .filter(user -> honours(value, user, clientId)).isPresent();
    }

    /**
     * Whether a remembered device may skip the second factor of this request at all: never
     * when {@code acr_values} names the multi-factor acr or the audience is the MFA API.
     */
    public boolean mayApply(Optional<String> audience, Optional<String> acrValues) {
        return !MfaPolicy.asksForMultiFactor(acrValues)
                && audience.filter(services.mfaAudience()::equals).isEmpty();
    }

    /**
     * The user's remembered devices that would still be honoured, newest first: not revoked,
     * not expired, not older than the last password change, and remembered with today's set
     * of active factors.
     */
    public List<RememberedDevice> list(String userId) {
        Optional<User> user = services.users().find(userId);
        if (user.isEmpty()) {
            return List.of();
        }
        String factors = factorsHash(userId);
        return services.database().withHandle(handle -> handle.createQuery(
                "SELECT * FROM remembered_devices WHERE user_id = :userId"
                        + " AND revoked_at IS NULL AND expires_at > :now"
                        + " ORDER BY created_at DESC, id")
                .bind("userId", userId).bind("now", services.clock().millis())
                .map((result, context) -> Row.of(result)).list()).stream()
                .filter(row -> stillValid(row, user.get(), factors))
                .map(Row::device).toList();
    }

    /** Neither a password change after it nor a change of the user's active factors. */
    private static boolean stillValid(Row row, User user, String currentFactorsHash) {
        boolean passwordUnchanged = user.passwordChangedAt()
                .map(changed -> changed <= row.device().createdAt().toEpochMilli())
                .orElse(true);
        return passwordUnchanged && row.factorsHash().equals(currentFactorsHash);
    }

    /** Revokes one device of the user; true if a live one was revoked. */
    public boolean revoke(String userId, String deviceId) {
        return services.database().inTransaction(handle -> handle.createUpdate(
                "UPDATE remembered_devices SET revoked_at = :now WHERE id = :id"
                        + " AND user_id = :userId AND revoked_at IS NULL")
                .bind("now", services.clock().millis()).bind("id", deviceId)
                .bind("userId", userId).execute()) == 1;
    }

    /** Revokes every device of the user; returns how many. */
    public int revokeAll(String userId) {
        return services.database().inTransaction(handle -> handle.createUpdate(
                "UPDATE remembered_devices SET revoked_at = :now WHERE user_id = :userId"
                        + " AND revoked_at IS NULL")
                .bind("now", services.clock().millis()).bind("userId", userId).execute());
    }

    private String factorsHash(String userId) {
        return factorsHash(authenticators.list(userId));
    }

    /** The SHA-256 of the sorted ids of the active factors (recovery codes left out). */
    private static String factorsHash(List<Authenticator> all) {
        return Randoms.sha256(all.stream().filter(Authenticator::active)
                .filter(authenticator -> authenticator.kind() != AuthenticatorKind.RECOVERY_CODE)
                .map(Authenticator::id).sorted().collect(Collectors.joining(",")));
    }

    private record Row(RememberedDevice device, String hash, String factorsHash) {
        static Row of(ResultSet row) throws SQLException {
            return new Row(new RememberedDevice(row.getString("id"), row.getString("user_id"),
                    row.getString("client_id"), row.getString("kind"),
                    Instant.ofEpochMilli(row.getLong("created_at")),
                    Instant.ofEpochMilli(row.getLong("expires_at"))),
                    row.getString("token_hash"), row.getString("factors_hash"));
        }
    }
}
