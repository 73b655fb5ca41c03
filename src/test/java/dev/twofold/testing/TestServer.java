package dev.twofold.testing;

import dev.twofold.server.Settings;
import dev.twofold.server.TwofoldServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real Twofold node for a test: a random loopback port and a fresh database, H2 in memory or
 * a new schema in the local PostgreSQL, chosen by the system property {@code twofold.test.db}
 * ({@code h2} or {@code postgres}), so the same tests run on both.
 */
public final class TestServer implements AutoCloseable {

    /** The PostgreSQL server the suite runs against (see .ci/run). */
    public static final String POSTGRES_URL = System.getProperty("twofold.test.postgres",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final TwofoldServer server;
    private final TestClock clock;
    private final String schema;
    private final Http http;
    private final boolean ownsData;

    private TestServer(TwofoldServer server, TestClock clock, String schema, boolean ownsData) {
        this.ownsData = ownsData;
        this.server = server;
        this.clock = clock;
        this.schema = schema;
        this.http = new Http("http://" + server.services().settings().host() + ":"
                + server.port() + "/");
    }

    /** Starts a node with the default test settings. */
    public static TestServer start() {
        return start(Map.of());
    }

    /** Starts a node; {@code overrides} are {@code TWOFOLD_*} settings for this test. */
    public static TestServer start(Map<String, String> overrides) {
        Map<String, String> values = defaults();
        String schema = values.get("TWOFOLD_DB_SCHEMA");
        values.putAll(overrides);
        return start(values, new TestClock(), schema, true);
    }

    /**
     * Starts {@code count} nodes on one database (one PostgreSQL schema, or one named H2
     * database in this JVM), one encryption key, one issuer and one {@link TestClock}, each on
     * its own port: a cluster behind a load balancer, for tests that send each request of a
     * flow to a different node.
     */
    public static TestNodes startNodes(int count) {
        return startNodes(count, Map.of());
    }

    public static TestNodes startNodes(int count, Map<String, String> overrides) {
        Map<String, String> values = defaults();
        String schema = values.get("TWOFOLD_DB_SCHEMA");
        values.put("TWOFOLD_ISSUER", "http://twofold-cluster.test/");
        values.putAll(overrides);
        TestClock clock = new TestClock();
        java.util.List<TestServer> nodes = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                // Only the first node drops the shared schema and data folder when it closes.
                nodes.add(start(values, clock, i == 0 ? schema : null, i == 0));
            }
        } catch (RuntimeException e) {
            nodes.forEach(TestServer::close);
            throw e;
        }
        return new TestNodes(nodes, clock);
    }

    private static TestServer start(Map<String, String> values, TestClock clock,
                                    String schema, boolean ownsData) {
        TwofoldServer server = TwofoldServer.start(Settings.of(Settings.Mode.DEV, values), clock);
        return new TestServer(server, clock, schema, ownsData);
    }

    private static Map<String, String> defaults() {
        Map<String, String> values = new HashMap<>();
        values.put("TWOFOLD_PORT", "0");
        values.put("TWOFOLD_DATA_DIR", System.getProperty("java.io.tmpdir") + "/twofold-test-"
                + UUID.randomUUID());
        // Cheap hashing keeps the suite fast; the OWASP parameters are tested on their own.
        values.put("TWOFOLD_ARGON2_MEMORY_KIB", "1024");
        values.put("TWOFOLD_ARGON2_ITERATIONS", "1");
        if (usesPostgres()) {
            String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
            values.put("TWOFOLD_DB_URL", POSTGRES_URL);
            values.put("TWOFOLD_DB_SCHEMA", schema);
        } else {
            values.put("TWOFOLD_DB_URL", "jdbc:h2:mem:" + UUID.randomUUID()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                    + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        }
        values.put("TWOFOLD_DEMO_USER", "false");
        values.put("TWOFOLD_MANAGEMENT_PORT", "0");
        return values;
    }

    public static boolean usesPostgres() {
        return "postgres".equals(System.getProperty("twofold.test.db", "h2")
                .toLowerCase(Locale.ROOT));
    }

    public TwofoldServer server() {
        return server;
    }

    public TestClock clock() {
        return clock;
    }

    /** The issuer, e.g. {@code http://127.0.0.1:41234/}. */
    public String issuer() {
        return server.issuer();
    }

    public Http http() {
        return http;
    }

    public Fixtures fixtures() {
        return new Fixtures(server.services());
    }

    @Override
    public void close() {
        server.close();
        if (schema != null) {
            dropSchema(schema);
        }
        if (ownsData) {
            deleteDataDir(Path.of(server.services().settings().get("TWOFOLD_DATA_DIR").orElse("")));
        }
    }

    private static void deleteDataDir(Path dataDir) {
        if (!dataDir.getFileName().toString().startsWith("twofold-test-")
                || !Files.isDirectory(dataDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // A leftover folder in the temporary directory only costs disk space.
        }
    }

    private static void dropSchema(String schema) {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            // Leaving a schema behind only costs disk space in the test database.
        }
    }
}
