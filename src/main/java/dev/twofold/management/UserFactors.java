package dev.twofold.management;

import dev.twofold.server.Services;
import java.util.List;
import java.util.Optional;

/**
 * A user's MFA authenticators as the Management API sees them, read from the
 * {@code authenticators} table whose meaning the mfa module owns (docs/mfa.md): {@code kind} is
 * {@code totp}, {@code sms}, {@code voice}, {@code email} or {@code recovery-code}; the phone
 * number is sealed with {@link dev.twofold.crypto.SecretBox}. Thread-safe.
 */
final class UserFactors {

    static final String RECOVERY_CODE = "recovery-code";
    private static final String PHONE_PURPOSE = dev.twofold.mfa.Authenticator.PHONE_PURPOSE;

    private final Services services;

    UserFactors(Services services) {
        this.services = services;
    }

    /** One authenticator row, its secrets left out. */
    record Factor(String id, String kind, boolean active, Optional<String> phoneSealed,
                  Optional<String> email, Optional<String> displayName, long createdAt,
                  Optional<Long> confirmedAt, Optional<Long> lastAuthAt) {
    }

    List<Factor> list(String userId) {
        return services.database().withHandle(handle -> handle.createQuery(
                "SELECT id, kind, active, phone_enc, email, display_name, created_at,"
                        + " confirmed_at, last_auth_at FROM authenticators"
                        + " WHERE user_id = :userId ORDER BY created_at, id")
                .bind("userId", userId)
                .map((row, context) -> new Factor(row.getString("id"), row.getString("kind"),
                        row.getBoolean("active"), Optional.ofNullable(row.getString("phone_enc")),
                        Optional.ofNullable(row.getString("email")),
                        Optional.ofNullable(row.getString("display_name")),
                        row.getLong("created_at"),
                        Optional.ofNullable(row.getObject("confirmed_at", Long.class)),
                        Optional.ofNullable(row.getObject("last_auth_at", Long.class))))
                .list());
    }

    /** The phone number in clear, for the administrator; empty if none or unreadable. */
    Optional<String> phone(Factor factor) {
        return factor.phoneSealed().flatMap(sealed -> {
            try {
                return Optional.of(services.secretBox().open(PHONE_PURPOSE, sealed));
            } catch (IllegalStateException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * Deletes one authenticator; when no other factor is left, the recovery code goes too, so
     * a user without factors holds no code that still passes MFA. False if it did not exist.
     */
    boolean delete(String userId, String authenticatorId) {
        return services.database().inTransaction(handle -> {
            int deleted = handle.createUpdate("DELETE FROM authenticators WHERE id = :id"
                            + " AND user_id = :userId AND kind <> :recovery")
                    .bind("id", authenticatorId).bind("userId", userId)
                    .bind("recovery", RECOVERY_CODE).execute();
            if (deleted == 0) {
                return false;
            }
            int remaining = handle.createQuery("SELECT COUNT(*) FROM authenticators"
                            + " WHERE user_id = :userId AND kind <> :recovery AND active = TRUE")
                    .bind("userId", userId).bind("recovery", RECOVERY_CODE)
                    .mapTo(Integer.class).one();
            if (remaining == 0) {
                handle.createUpdate("DELETE FROM authenticators WHERE user_id = :userId")
                        .bind("userId", userId).execute();
            }
            return true;
        });
    }

    /**
     * Deletes every authenticator of the user, recovery code included; returns the ids of the
     * deleted factors (the recovery code left out).
     */
    List<String> deleteAll(String userId) {
        return services.database().inTransaction(handle -> {
            List<String> ids = handle.createQuery("SELECT id FROM authenticators"
                            + " WHERE user_id = :userId AND kind <> :recovery ORDER BY id")
                    .bind("userId", userId).bind("recovery", RECOVERY_CODE)
                    .mapTo(String.class).list();
            handle.createUpdate("DELETE FROM authenticators WHERE user_id = :userId")
                    .bind("userId", userId).execute();
            return ids;
        });
    }
}
