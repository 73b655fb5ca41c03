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

    /** The longest name, nickname, given or family name the users table keeps. */
    public static final int MAX_NAME = 255;
    /** The longest picture URL the users table keeps. */
    public static final int MAX_PICTURE = 2000;

    /**
     * The name of a user created without one: the email address (as Auth0 does), cut to
     * {@link #MAX_NAME}. An address may be up to 320 characters, longer than a name.
     */
    public static String defaultName(String email) {
        return email.length() <= MAX_NAME ? email : email.substring(0, MAX_NAME);
    }

    /** The nickname of a user created without one: the address before the @, cut likewise. */
    public static String defaultNickname(String email) {
        int at = email.indexOf('@');
        return defaultName(at < 0 ? email : email.substring(0, at));
    }
}
