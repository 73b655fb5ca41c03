package dev.twofold.store;

import java.util.Optional;

/**
 * A user of a database connection. {@code emailKey} is the address folded for matching
 * (lower case, RFC 5321 §2.4 advice: one account per case-folded address); {@code email} keeps
 * the spelling given at sign-up.
 */
public record User(
        String userId,
        String connection,
        Optional<String> email,
        boolean emailVerified,
        Optional<String> passwordHash,
        Optional<String> name,
        Optional<String> nickname,
        Optional<String> givenName,
        Optional<String> familyName,
        Optional<String> picture,
        Optional<String> phoneNumber,
        boolean blocked,
        String appMetadataJson,
        String userMetadataJson,
        int loginsCount,
        Optional<Long> lastLogin,
        Optional<Long> passwordChangedAt,
        long createdAt,
        long updatedAt) {

    /** The default database connection, named as Auth0 names it. */
    public static final String DEFAULT_CONNECTION = "Username-Password-Authentication";
}
