package dev.twofold.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.twofold.server.Settings;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The connection pool, the schema migrations and the Jdbi entry point.
 *
 * <p>PostgreSQL when {@code TWOFOLD_DB_URL} is set; otherwise (development mode only) an
 * embedded H2 file database under the data folder, in PostgreSQL mode so that the same
 * migrations and queries run on both. Thread-safe.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;
    private volatile Flyway flyway;

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens the database the settings name and migrates it to the current schema. */
    public static Database open(Settings settings) {
        String url = settings.get("TWOFOLD_DB_URL").orElseGet(() -> {
            if (!settings.isDev()) {
                throw new Settings.ConfigurationException("TWOFOLD_DB_URL is not set. Production"
                        + " mode needs PostgreSQL, e.g. jdbc:postgresql://db:5432/twofold.");
            }
            return h2Url(settings.dataDir().resolve("twofold"));
        });
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        settings.get("TWOFOLD_DB_USER").ifPresent(config::setUsername);
        settings.get("TWOFOLD_DB_PASSWORD").ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.getInt("TWOFOLD_DB_POOL_SIZE", 16));
        config.setPoolName("twofold");
        settings.get("TWOFOLD_DB_SCHEMA").ifPresent(config::setSchema);
        boolean postgres = url.startsWith("jdbc:postgresql:");
        Database database = new Database(new HikariDataSource(config), postgres);
        database.migrate(settings);
        return database;
    }

    /** The JDBC URL of an embedded H2 file database at the given path (without suffix). */
    public static String h2Url(Path file) {
        return "jdbc:h2:file:" + file.toAbsolutePath().normalize()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                + ";LOCK_TIMEOUT=10000";
    }

    private void migrate(Settings settings) {
        var configuration = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration");
        settings.get("TWOFOLD_DB_SCHEMA").ifPresent(schema ->
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
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, callback);
    }

    public <R, X extends Exception> R withHandle(HandleCallback<R, X> callback) throws X {
        return jdbi.withHandle(callback);
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
}
