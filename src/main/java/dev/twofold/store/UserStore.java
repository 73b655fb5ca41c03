package dev.twofold.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * Reads and writes users. Email addresses are matched through {@link #emailKey}, so every
 * spelling of an address finds the same user. Thread-safe.
 */
public final class UserStore {

    private final Database database;

    public UserStore(Database database) {
        this.database = database;
    }

    /** The matching key of an address: trimmed and lower-cased (RFC 5321 §2.4 advice). */
    public static String emailKey(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    public Optional<User> find(String userId) {
        return database.withHandle(handle -> find(handle, userId));
    }

    public Optional<User> find(Handle handle, String userId) {
        return handle.createQuery("SELECT * FROM users WHERE user_id = :id")
                .bind("id", userId).map((resultSet, context) -> map(resultSet)).findOne();
    }

    public Optional<User> findByEmail(String connection, String email) {
        return database.withHandle(handle -> handle.createQuery(
                "SELECT * FROM users WHERE connection_name = :connection AND email_key = :key")
                .bind("connection", connection).bind("key", emailKey(email))
                .map((resultSet, context) -> map(resultSet)).findOne());
    }

    /** Users whose address matches, in any connection. */
    public List<User> findAllByEmail(String email) {
        return database.withHandle(handle -> handle.createQuery(
                "SELECT * FROM users WHERE email_key = :key ORDER BY created_at")
                .bind("key", emailKey(email)).map((resultSet, context) -> map(resultSet)).list());
    }

    public List<User> list(int offset, int limit) {
        return database.withHandle(handle -> handle.createQuery(
                "SELECT * FROM users ORDER BY created_at, user_id LIMIT :limit OFFSET :offset")
                .bind("limit", limit).bind("offset", offset)
                .map((resultSet, context) -> map(resultSet)).list());
    }

    public int count() {
        return database.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM users")
                .mapTo(Integer.class).one());
    }

    /**
     * Inserts a user. Returns false, inserting nothing, when the connection already has a user
     * with the same case-folded address.
     */
    public boolean insert(User user) {
        return database.inTransaction(handle -> insert(handle, user));
    }

    public boolean insert(Handle handle, User user) {
        if (user.email().isPresent() && handle.createQuery("SELECT COUNT(*) FROM users"
                        + " WHERE connection_name = :connection AND email_key = :key")
                .bind("connection", user.connection()).bind("key", emailKey(user.email().get()))
                .mapTo(Integer.class).one() > 0) {
            return false;
        }
        bindAll(handle.createUpdate("INSERT INTO users (user_id, connection_name, email,"
                + " email_key, email_verified, password_hash, name, nickname, given_name,"
                + " family_name, picture, phone_number, blocked, app_metadata, user_metadata,"
                + " logins_count, last_login, password_changed_at, created_at, updated_at)"
                + " VALUES (:userId, :connection, :email, :emailKey, :emailVerified,"
                + " :passwordHash, :name, :nickname, :givenName, :familyName, :picture,"
                + " :phoneNumber, :blocked, :appMetadata, :userMetadata, :loginsCount,"
                + " :lastLogin, :passwordChangedAt, :createdAt, :updatedAt)"), user).execute();
        return true;
    }

    /** Replaces every field of an existing user; returns false when it does not exist. */
    public boolean update(Handle handle, User user) {
        return bindAll(handle.createUpdate("UPDATE users SET connection_name = :connection,"
                + " email = :email, email_key = :emailKey, email_verified = :emailVerified,"
                + " password_hash = :passwordHash, name = :name, nickname = :nickname,"
                + " given_name = :givenName, family_name = :familyName, picture = :picture,"
                + " phone_number = :phoneNumber, blocked = :blocked,"
                + " app_metadata = :appMetadata, user_metadata = :userMetadata,"
                + " logins_count = :loginsCount, last_login = :lastLogin,"
                + " password_changed_at = :passwordChangedAt, updated_at = :updatedAt"
                + " WHERE user_id = :userId"), user).execute() > 0;
    }

    public boolean delete(String userId) {
        return database.inTransaction(handle -> handle.createUpdate(
                "DELETE FROM users WHERE user_id = :id").bind("id", userId).execute()) > 0;
    }

    /**
     * Replaces the password hash by another of the same password (a stronger algorithm or
     * newer parameters), only while the stored hash is {@code expected}; returns whether it did.
     */
    public boolean replacePasswordHash(String userId, String expected, String replacement) {
        return database.inTransaction(handle -> handle.createUpdate("UPDATE users SET"
                        + " password_hash = :replacement WHERE user_id = :id"
                        + " AND password_hash = :expected")
                .bind("replacement", replacement).bind("id", userId)
                .bind("expected", expected).execute()) > 0;
    }

    /** Counts a successful login. */
    public void recordLogin(String userId, long now) {
        database.inTransaction(handle -> handle.createUpdate("UPDATE users SET"
                + " logins_count = logins_count + 1, last_login = :now WHERE user_id = :id")
                .bind("now", now).bind("id", userId).execute());
    }

    private static Update bindAll(Update update, User user) {
        return update.bind("userId", user.userId())
                .bind("connection", user.connection())
                .bind("email", user.email().orElse(null))
                .bind("emailKey", user.email().map(UserStore::emailKey).orElse(null))
                .bind("emailVerified", user.emailVerified())
                .bind("passwordHash", user.passwordHash().orElse(null))
                .bind("name", user.name().orElse(null))
                .bind("nickname", user.nickname().orElse(null))
                .bind("givenName", user.givenName().orElse(null))
                .bind("familyName", user.familyName().orElse(null))
                .bind("picture", user.picture().orElse(null))
                .bind("phoneNumber", user.phoneNumber().orElse(null))
                .bind("blocked", user.blocked())
                .bind("appMetadata", user.appMetadataJson())
                .bind("userMetadata", user.userMetadataJson())
                .bind("loginsCount", user.loginsCount())
                .bind("lastLogin", user.lastLogin().orElse(null))
                .bind("passwordChangedAt", user.passwordChangedAt().orElse(null))
                .bind("createdAt", user.createdAt())
                .bind("updatedAt", user.updatedAt());
    }

    private static User map(ResultSet row) throws SQLException {
        return new User(
                row.getString("user_id"),
                row.getString("connection_name"),
                Optional.ofNullable(row.getString("email")),
                row.getBoolean("email_verified"),
                Optional.ofNullable(row.getString("password_hash")),
                Optional.ofNullable(row.getString("name")),
                Optional.ofNullable(row.getString("nickname")),
                Optional.ofNullable(row.getString("given_name")),
                Optional.ofNullable(row.getString("family_name")),
                Optional.ofNullable(row.getString("picture")),
                Optional.ofNullable(row.getString("phone_number")),
                row.getBoolean("blocked"),
                row.getString("app_metadata"),
                row.getString("user_metadata"),
                row.getInt("logins_count"),
                Optional.ofNullable((Long) row.getObject("last_login", Long.class)),
                Optional.ofNullable((Long) row.getObject("password_changed_at", Long.class)),
                row.getLong("created_at"),
                row.getLong("updated_at"));
    }
}
