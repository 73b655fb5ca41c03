package dev.twofold.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, the schema migrations and the Jdbi entry point.
 *
 * <p>PostgreSQL when {@code TWOFOLD_DB_URL} is set; otherwise (development mode only) an
 * embedded H2 file database under the data folder, in PostgreSQL mode so that the same
 * migrations and queries run on both. Thread-safe.
 */
public final class Database implements AutoCloseable {

    /** The first key of Twofold's PostgreSQL advisory locks: "twof" in ASCII. */
    private static final int LOCK_SPACE = 0x74776f66;
    private static final Map<String, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;
    private final ReadCache readCache;
    // Known shortcoming: kept for pendingMigrations(), so Flyway's ~400 classes stay loaded.
    private volatile Flyway flyway;

    private Database(HikariDataSource dataSource, boolean postgres, ReadCache readCache) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.readCache = readCache;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens the database the settings name and migrates it to the current schema. */
    public static Database open(Settings settings) {
        String url = settings.get(Setting.DB_URL).orElseGet(() -> {
            if (!settings.isDev()) {
                throw new Settings.ConfigurationException("TWOFOLD_DB_URL is not set. Production"
                        + " mode needs PostgreSQL, e.g. jdbc:postgresql://db:5432/twofold.");
            }
            return h2Url(settings.dataDir().resolve("twofold"));
        });
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        settings.get(Setting.DB_USER).ifPresent(config::setUsername);
        settings.get(Setting.DB_PASSWORD).ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.getInt(Setting.DB_POOL_SIZE));
        config.setPoolName("twofold");
        // Every connection is set to READ COMMITTED once, when the pool opens it; asking for
        // the level per transaction would cost a round trip to read it and one to restore it.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        settings.get(Setting.DB_SCHEMA).ifPresent(config::setSchema);
        boolean postgres = url.startsWith("jdbc:postgresql:");
        Database database = new Database(connect(config, url), postgres, new ReadCache(
                settings.getDuration(Setting.CONFIG_CACHE_TTL)));
        database.migrate(settings);
        return database;
    }

    /**
     * Opens one plain connection first, so that a database that cannot be opened is told in
     * one paragraph instead of the pool's logged stack trace; it stays open until the pool is
     * up so that an embedded database is not closed and opened again.
     */
    private static HikariDataSource connect(HikariConfig config, String url) {
        try (Connection probe = DriverManager.getConnection(url, config.getUsername(),
                config.getPassword())) {
            return new HikariDataSource(config);
        } catch (SQLException | HikariPool.PoolInitializationException e) {
            throw Unavailable.from(e, url);
        }
    }

    /**
     * The JDBC URL of an embedded H2 file database at the given path (without suffix). Its
     * page cache is 4 MiB, not H2's 16: in a node's small heap the larger cache's evicted
     * pages filled the old generation and forced a full collection every few hundred
     * requests, which cost more CPU than reading pages again (bench/RESULTS.md, run 5).
     */
    public static String h2Url(Path file) {
        return "jdbc:h2:file:" + file.toAbsolutePath().normalize()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                + ";LOCK_TIMEOUT=10000;CACHE_SIZE=4096";
    }

    private void migrate(Settings settings) {
        var configuration = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration");
        settings.get(Setting.DB_SCHEMA).ifPresent(schema ->
                configuration.schemas(schema).defaultSchema(schema).createSchemas(true));
        flyway = configuration.load();
        flyway.migrate();
    }

    /**
     * The versions of migrations this build has that the database has not applied; empty when
     * the schema is current. Used by the readiness check.
     */
    public List<String> pendingMigrations() {
        return Arrays.stream(flyway.info().pending())
                .map(migration -> String.valueOf(migration.getVersion())).toList();
    }

    /** Reports the connection pool's meters to the given tracker; call at most once. */
    public void trackPool(MetricsTrackerFactory tracker) {
        dataSource.setMetricsTrackerFactory(tracker);
    }

    /** The short-lived cache of clients, APIs and client grants ({@link ReadCache}). */
    public ReadCache readCache() {
        return readCache;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /**
     * Runs the callback in one transaction at READ COMMITTED; callers lock the rows they
     * change ({@code SELECT … FOR UPDATE}) or use conditional updates, so that of concurrent
     * requests on one row exactly one wins.
     */
    public <R, X extends Exception> R inTransaction(HandleCallback<R, X> callback) throws X {
        return jdbi.inTransaction(callback);
    }

    public <R, X extends Exception> R withHandle(HandleCallback<R, X> callback) throws X {
        return jdbi.withHandle(callback);
    }

    /**
     * Runs {@code action} while holding the lock {@code name}, which every node on this
     * database and schema shares, so that steps such as creating the first signing keys or
     * the bootstrap clients run on one node at a time and the nodes after it find them done.
     * On PostgreSQL a session advisory lock, held on a connection of its own outside the pool
     * (so the action can use every pooled connection) and released with it even if the node
     * dies; on H2, which belongs to one process, a lock in this JVM. Not reentrant: the action
     * must not ask for the same lock again.
     */
    public <R> R whileLocked(String name, Supplier<R> action) {
        String scoped = Optional.ofNullable(dataSource.getSchema()).orElse("") + ":" + name;
        if (!postgres) {
            ReentrantLock lock = LOCAL_LOCKS.computeIfAbsent(scoped, key -> new ReentrantLock());
            lock.lock();
            try {
                return action.get();
            } finally {
                lock.unlock();
            }
        }
        try (Connection connection = DriverManager.getConnection(dataSource.getJdbcUrl(),
                dataSource.getUsername(), dataSource.getPassword())) {
            advisoryLock(connection, "pg_advisory_lock", scoped);
            try {
                return action.get();
            } finally {
                advisoryLock(connection, "pg_advisory_unlock", scoped);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The database lock " + name + " failed", e);
        }
    }

    private static void advisoryLock(Connection connection, String function, String name)
            throws SQLException {
        // Two-key form: a fixed first key keeps Twofold's locks apart from other users'.
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + function + "(?, ?)")) {
            statement.setInt(1, LOCK_SPACE);
            statement.setInt(2, name.hashCode());
            statement.executeQuery().close();
        }
    }

    /** Whether the database answers a trivial query. */
    public boolean isReachable() {
        try {
            return jdbi.withHandle((Handle handle) ->
                    handle.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /**
     * The database could not be opened at start-up, told in one paragraph for the operator:
     * {@link #inUse()} when the embedded H2 file is held by another process (H2 lets one
     * process open it, usually a running development server).
     */
    public static final class Unavailable extends RuntimeException {

        /** H2's error code for a database file locked by another process. */
        private static final int H2_DATABASE_ALREADY_OPEN = 90020;

        private final boolean inUse;

        private Unavailable(String message, boolean inUse) {
            super(message, null, false, false);
            this.inUse = inUse;
        }

        static Unavailable from(Exception failure, String url) {
            String place = withoutParameters(url);
            if (lockedByAnotherProcess(failure)) {
                return new Unavailable("The embedded database " + place + " is in use by"
                        + " another process, most likely a running Twofold server; H2 lets one"
                        + " process open it at a time.", true);
            }
            return new Unavailable("Cannot open the database " + place + ": "
                    + rootMessage(failure) + ". Check TWOFOLD_DB_URL, TWOFOLD_DB_USER and"
                    + " TWOFOLD_DB_PASSWORD, and that the database server is running.", false);
        }

        /** True when another process holds the embedded database file. */
        public boolean inUse() {
            return inUse;
        }

        private static boolean lockedByAnotherProcess(Throwable failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql
                        && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                    return true;
                }
            }
            return false;
        }

        private static String rootMessage(Throwable failure) {
            Throwable root = failure;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String message = root.getMessage() == null ? root.getClass().getSimpleName()
                    : root.getMessage();
            return message.lines().findFirst().orElse("").strip();
        }

        /** The H2 file, or the URL without its parameters (they may carry a password). */
        private static String withoutParameters(String url) {
            String bare = url.split("[;?]", 2)[0];
            return bare.startsWith("jdbc:h2:file:") ? bare.substring(13) + ".mv.db" : bare;
        }
    }
}
