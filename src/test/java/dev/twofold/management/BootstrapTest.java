package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.store.Database;
import dev.twofold.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The development bootstrap: created once, printed once, kept across restarts. */
class BootstrapTest {

    private static final Pattern SHOWN_SECRET =
            Pattern.compile("client_secret: (\\S+)  \\(shown once\\)");

    @TempDir
    Path dataDir;
    private final String schema = "boot_" + java.util.UUID.randomUUID().toString()
            .replace("-", "").substring(0, 16);

    /** One database that outlives each node: an H2 file, or a fixed PostgreSQL schema. */
    private Map<String, String> settings() {
        String database = TestServer.usesPostgres() ? "TWOFOLD_DB_SCHEMA" : "TWOFOLD_DB_URL";
        String value = TestServer.usesPostgres() ? schema : Database.h2Url(dataDir.resolve("db"));
        return Map.of(database, value, "TWOFOLD_DATA_DIR", dataDir.toString(),
                "TWOFOLD_DEMO_USER", "true");
    }

    @org.junit.jupiter.api.AfterEach
    void dropSchema() throws Exception {
        if (TestServer.usesPostgres()) {
            try (var connection = java.sql.DriverManager.getConnection(TestServer.POSTGRES_URL)) {
                connection.createStatement().execute("DROP SCHEMA IF EXISTS " + schema
                        + " CASCADE");
            }
        }
    }

    private static String console(Supplier<TestServer> start) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            start.get().close();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void restartWhenDataKeptThenNothingDuplicatedAndNoSecretReprinted() {
        String first = console(() -> TestServer.start(settings()));

        String second = console(() -> TestServer.start(settings()));

        Matcher secrets = SHOWN_SECRET.matcher(first);
        assertThat(secrets.find()).isTrue();
        String managementSecret = secrets.group(1);
        assertThat(first).contains("demo@example.com").contains("password:      Demo-")
                .contains("grant_type=client_credentials").contains("grant_type=password");
        assertThat(second).doesNotContain(managementSecret).doesNotContain("(shown once)")
                .contains("already created")
                .contains("bin/twofold client rotate-secret --client-id demo-confidential")
                .contains("bin/twofold user set-password --email demo@example.com");
        try (TestServer server = TestServer.start(settings())) {
            var services = server.server().services();
            assertThat(services.clients().list()).hasSize(3);
            assertThat(services.users().count()).isEqualTo(1);
        }
    }

    @Test
    void startWhenBootstrapCredentialsConfiguredThenTheyGetAManagementToken() {
        try (TestServer server = TestServer.start(Map.of(
                "TWOFOLD_BOOTSTRAP_CLIENT_ID", "ops-admin",
                "TWOFOLD_BOOTSTRAP_CLIENT_SECRET", "ops-admin-secret-0123456789abcdef"))) {
            var answer = server.http().postForm("/oauth/token", Map.of(
                    "grant_type", "client_credentials", "client_id", "ops-admin",
                    "client_secret", "ops-admin-secret-0123456789abcdef",
                    "audience", server.issuer() + "api/v2/"));

            assertThat(answer.status()).isEqualTo(200);
            String token = answer.text("access_token");
            assertThat(server.http().get("/api/v2/users", token).status()).isEqualTo(200);
            assertThat(answer.text("scope")).contains("create:users").contains("read:clients");
        }
    }
}
