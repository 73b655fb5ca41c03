package dev.twofold.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twofold.crypto.PasswordRules;
import dev.twofold.crypto.Randoms;
import dev.twofold.oauth.PasswordLogins;
import dev.twofold.server.Json;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Creating, changing and answering users of the database connection in Auth0's shape, shared
 * by the HTTP endpoints, the bootstrap and the command-line tool. Passwords are hashed with
 * Argon2id; a bcrypt {@code password_hash} (from an Auth0 export) is kept as is and verified
 * at login. One account per case-folded email address. Thread-safe.
 */
final class Users {

    static final Set<String> CREATE_FIELDS = Set.of("connection", "email", "password",
            "password_hash", "email_verified", "verify_email", "name", "given_name",
            "family_name", "nickname", "picture", "user_metadata", "app_metadata", "blocked",
            "user_id", "phone_number");
    static final Set<String> UPDATE_FIELDS = Set.of("connection", "email", "password",
            "email_verified", "verify_email", "name", "given_name", "family_name", "nickname",
            "picture", "user_metadata", "app_metadata", "blocked", "phone_number", "client_id");
    private static final Pattern BCRYPT =
            Pattern.compile("^\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

    private final Services services;
    private final PasswordLogins logins;

    Users(Services services) {
        this.services = services;
        this.logins = new PasswordLogins(services);
    }

    /** Creates a user from an Auth0 create-user body. */
    User create(JsonBody body) {
        checkConnection(body);
        String email = email(body.requiredString("email"));
        String passwordHash = createPasswordHash(body);
        long now = services.clock().millis();
        User user = new User(userId(body), User.DEFAULT_CONNECTION, Optional.of(email),
                body.bool("email_verified").orElse(false), Optional.of(passwordHash),
                text(body, "name", Optional.of(User.defaultName(email))),
                text(body, "nickname", Optional.of(User.defaultNickname(email))),
                text(body, "given_name", Optional.empty()),
                text(body, "family_name", Optional.empty()),
                text(body, "picture", Optional.empty()),
                text(body, "phone_number", Optional.empty()), body.bool("blocked").orElse(false),
                metadata(body, "app_metadata", "{}"), metadata(body, "user_metadata", "{}"),
                0, Optional.empty(), Optional.of(now), now, now);
        boolean inserted;
        try {
            inserted = services.users().insert(user);
        } catch (UnableToExecuteStatementException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            inserted = false; // A concurrent insert of the same address won the unique key.
        }
        if (!inserted) {
            throw userExists();
        }
        return user;
    }

    /** Applies an Auth0 update-user body; a new password sets password_changed_at. */
    User update(String userId, JsonBody body) {
        checkConnection(body);
        Optional<String> password = body.string("password");
        password.ifPresent(Users::checkPassword);
        Optional<String> newHash = password.map(value -> services.passwords().hash(value));
        try {
            return services.database().inTransaction(handle -> {
                User current = services.users().find(handle, userId)
                        .orElseThrow(() -> notFound(userId));
                User updated = merged(current, body, newHash);
                if (!updated.email().equals(current.email()) && updated.email().isPresent()
                        && services.users().findByEmail(updated.connection(),
                                updated.email().get())
                        .filter(other -> !other.userId().equals(userId)).isPresent()) {
                    throw userExists();
                }
                services.users().update(handle, updated);
                if (newHash.isPresent() && current.email().isPresent()) {
                    // A new password ends brute-force blocks on the old name.
                    logins.forget(handle, current.connection(), current.email().get());
                }
                return updated;
            });
        } catch (UnableToExecuteStatementException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            throw userExists();
        }
    }

    private User merged(User current, JsonBody body, Optional<String> newHash) {
        long now = services.clock().millis();
        Optional<String> email = body.string("email").map(Users::email).or(current::email);
        boolean emailChanged = !email.equals(current.email());
        return new User(current.userId(), current.connection(), email,
                body.bool("email_verified").orElse(!emailChanged && current.emailVerified()),
                newHash.or(current::passwordHash), text(body, "name", current.name()),
                text(body, "nickname", current.nickname()),
                text(body, "given_name", current.givenName()),
                text(body, "family_name", current.familyName()),
                text(body, "picture", current.picture()),
                text(body, "phone_number", current.phoneNumber()),
                body.bool("blocked").orElse(current.blocked()),
                mergedMetadata(body, "app_metadata", current.appMetadataJson()),
                mergedMetadata(body, "user_metadata", current.userMetadataJson()),
                current.loginsCount(), current.lastLogin(),
                newHash.isPresent() ? Optional.of(now) : current.passwordChangedAt(),
                current.createdAt(), now);
    }

    User existing(String userId) {
        return services.users().find(userId).orElseThrow(() -> notFound(userId));
    }

    static ProtocolError notFound(String userId) {
        return ManagementErrors.notFound("user", "No user has user_id " + userId
                + "; find users with GET /api/v2/users-by-email?email=….");
    }

    static ProtocolError userExists() {
        return ManagementErrors.conflict("user_exists", "The user already exists.")
                .withField("errorCode", "auth0_idp_error");
    }

    /** The user in Auth0's shape. */
    static Map<String, Object> view(User user) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", user.userId());
        user.email().ifPresent(email -> body.put("email", email));
        body.put("email_verified", user.emailVerified());
        user.name().ifPresent(value -> body.put("name", value));
        user.nickname().ifPresent(value -> body.put("nickname", value));
        user.givenName().ifPresent(value -> body.put("given_name", value));
        user.familyName().ifPresent(value -> body.put("family_name", value));
        user.picture().ifPresent(value -> body.put("picture", value));
        user.phoneNumber().ifPresent(value -> body.put("phone_number", value));
        body.put("blocked", user.blocked());
        body.put("user_metadata", json(user.userMetadataJson()));
        body.put("app_metadata", json(user.appMetadataJson()));
        body.put("identities", List.of(identity(user)));
        body.put("created_at", Paging.time(user.createdAt()));
        body.put("updated_at", Paging.time(user.updatedAt()));
        user.lastLogin().ifPresent(time -> body.put("last_login", Paging.time(time)));
        body.put("logins_count", user.loginsCount());
        user.passwordChangedAt().ifPresent(time -> body.put("last_password_reset",
                Paging.time(time)));
        return body;
    }

    private static Map<String, Object> identity(User user) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("connection", user.connection());
        identity.put("user_id", user.userId().substring(user.userId().indexOf('|') + 1));
        identity.put("provider", "auth0");
        identity.put("isSocial", false);
        return identity;
    }

    private static void checkConnection(JsonBody body) {
        Optional<String> connection = body.string("connection");
        if (connection.isPresent() && !connection.get().equals(User.DEFAULT_CONNECTION)) {
            throw ManagementErrors.invalidBody("The connection does not exist: "
                    + connection.get() + ". Twofold has one database connection, "
                    + User.DEFAULT_CONNECTION + ".");
        }
        if (connection.isEmpty() && body.has("password_hash")) {
            throw ManagementErrors.invalidBody("Missing required field connection; send "
                    + User.DEFAULT_CONNECTION + ".");
        }
    }

    private String createPasswordHash(JsonBody body) {
        if (!body.has("connection")) {
            throw ManagementErrors.invalidBody("Payload validation error: missing required"
                    + " field connection; send \"connection\":\"" + User.DEFAULT_CONNECTION
                    + "\".");
        }
        Optional<String> password = body.string("password");
        Optional<String> imported = body.string("password_hash");
        if (password.isPresent() == imported.isPresent()) {
            throw ManagementErrors.invalidBody("Send exactly one of password (the user's new"
                    + " password) or password_hash (a bcrypt hash exported from Auth0).");
        }
        if (imported.isPresent()) {
            if (!isBcrypt(imported.get())) {
                throw ManagementErrors.invalidBody("password_hash is not a bcrypt hash"
                        + " ($2a$, $2b$ or $2y$, cost, 53 characters of salt and hash); Twofold"
                        + " imports bcrypt hashes as Auth0 exports them.");
            }
            return imported.get();
        }
        checkPassword(password.get());
        return services.passwords().hash(password.get());
    }

    /** Whether the text has the shape of a bcrypt hash as Auth0 exports them. */
    static boolean isBcrypt(String hash) {
        return BCRYPT.matcher(hash).matches();
    }

    static void checkPassword(String password) {
        PasswordRules.lengthProblem(password).ifPresent(problem -> {
            throw ProtocolError.of(400, "password_strength_error", "PasswordStrengthError: "
                    + problem);
        });
    }

    private static String email(String email) {
        String trimmed = email.trim();
        if (trimmed.length() > 320 || !EMAIL.matcher(trimmed).matches()) {
            throw ManagementErrors.invalidBody("Field email is not an email address such as"
                    + " alice@example.com.");
        }
        return trimmed;
    }

    private static String userId(JsonBody body) {
        String id = body.string("user_id").orElseGet(() ->
                HexFormat.of().formatHex(Randoms.bytes(12)));
        if (id.startsWith("auth0|")) {
            id = id.substring("auth0|".length());
        }
        if (!id.matches("[A-Za-z0-9_-]{1,100}")) {
            throw ManagementErrors.invalidBody("user_id may only have letters, digits, _ and"
                    + " - (1 to 100 of them); Twofold prefixes it with auth0|.");
        }
        return "auth0|" + id;
    }

    private static Optional<String> text(JsonBody body, String field, Optional<String> current) {
        if (body.isNull(field)) {
            return Optional.empty();
        }
        return body.string(field).map(value -> JsonBody.limited(field, value, limit(field)))
                .or(() -> current);
    }

    private static int limit(String field) {
        return switch (field) {
            case "picture" -> JsonBody.MAX_STRING;
            case "phone_number" -> 64;
            default -> JsonBody.MAX_NAME;
        };
    }

    private static String metadata(JsonBody body, String field, String fallback) {
        return body.object(field).map(object -> JsonBody.limited(field, object.toString(),
                JsonBody.MAX_JSON)).orElse(fallback);
    }

    /** Whether the database refused a row for a unique key (SQLSTATE 23505, both databases). */
    static boolean isUniqueViolation(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Auth0 merges metadata one level deep; a member set to null is removed. */
    private static String mergedMetadata(JsonBody body, String field, String currentJson) {
        Optional<ObjectNode> patch = body.object(field);
        if (patch.isEmpty()) {
            return body.isNull(field) ? "{}" : currentJson;
        }
        ObjectNode merged = (ObjectNode) json(currentJson);
        patch.get().properties().forEach(member -> {
            if (member.getValue().isNull()) {
                merged.remove(member.getKey());
            } else {
                merged.set(member.getKey(), member.getValue());
            }
        });
        return JsonBody.limited(field, merged.toString(), JsonBody.MAX_JSON);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text == null || text.isBlank() ? "{}" : text);
        } catch (Exception e) {
            throw new IllegalStateException("Stored user metadata is not JSON", e);
        }
    }

    List<User> byEmail(String email) {
        return services.users().findAllByEmail(email);
    }
}
