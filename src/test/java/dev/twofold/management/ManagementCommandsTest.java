package dev.twofold.management;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twofold.crypto.PasswordHasher;
import dev.twofold.server.Commands;
import dev.twofold.server.Main;
import dev.twofold.store.Database;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The picocli sub-commands of {@code twofold}, run in-process on an H2 file database. */
class ManagementCommandsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    private record Run(int exitCode, String out, String err) {

        JsonNode json() throws Exception {
            return MAPPER.readTree(out);
        }
    }

    private Run run(String... args) {
        CommandLine line = new CommandLine(new Main());
        Commands.addTo(line, Map.of("TWOFOLD_DATA_DIR", dataDir.toString(),
                "TWOFOLD_ARGON2_MEMORY_KIB", "1024", "TWOFOLD_ARGON2_ITERATIONS", "1"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        int code = line.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(Database.h2Url(dataDir.resolve("twofold")));
    }

    @Test
    void migrateWhenFreshDirectoryThenReportsTheSchemaVersion() throws Exception {
        Run result = run("migrate");

        assertThat(result.exitCode()).isZero();
        assertThat(result.json().get("status").asText()).isEqualTo("migrated");
        assertThat(result.json().get("schema_version").asText()).isNotEqualTo("none");
    }

    @Test
    void userCreateWhenGivenPasswordThenStoredAsArgon2AndNotPrinted() throws Exception {
        Run result = run("user", "create", "--email", "Cli.User@Example.com",
                "--password", "Correct-Horse-9");

        assertThat(result.exitCode()).isZero();
        assertThat(result.json().get("user_id").asText()).startsWith("auth0|");
        assertThat(result.out()).doesNotContain("Correct-Horse-9");
        try (Connection connection = connect();
             ResultSet row = connection.createStatement().executeQuery(
                     "SELECT password_hash FROM users WHERE email_key = 'cli.user@example.com'")) {
            assertThat(row.next()).isTrue();
            assertThat(new PasswordHasher(1024, 1, 1)
                    .verify("Correct-Horse-9", row.getString(1))).isTrue();
        }
    }

    @Test
    void userCreateWhenEmailExistsInOtherCaseThenExit1WithJsonError() throws Exception {
        run("user", "create", "--email", "dup@example.com", "--password", "Correct-Horse-9");

        Run second = run("user", "create", "--email", "DUP@example.com",
                "--password", "Correct-Horse-9");

        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(MAPPER.readTree(second.err()).get("error_description").asText())
                .isEqualTo("The user already exists.");
    }

    @Test
    void clientCreateWhenManagementThenSecretPrintedAndGrantStored() throws Exception {
        Run result = run("client", "create", "--name", "Ops", "--app-type", "non_interactive",
                "--management");

        assertThat(result.exitCode()).isZero();
        JsonNode client = result.json();
        String secret = client.get("client_secret").asText();
        assertThat(client.get("client_grants").get(0).get("scope").toString())
                .contains("create:users");
        try (Connection connection = connect();
             ResultSet row = connection.createStatement().executeQuery(
                     "SELECT secret_hash FROM clients WHERE client_id = '"
                             + client.get("client_id").asText() + "'")) {
            assertThat(row.next()).isTrue();
            assertThat(new PasswordHasher(1024, 1, 1).verify(secret, row.getString(1))).isTrue();
        }
    }

    @Test
    void keysRotateWhenCalledThenNewActiveKeyAndOldOneRetired() throws Exception {
        run("migrate");

        Run result = run("keys", "rotate", "--alg", "ES256");

        assertThat(result.exitCode()).isZero();
        String keyId = result.json().get("kid").asText();
        try (Connection connection = connect();
             ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT kid, retired_at FROM signing_keys WHERE alg = 'ES256'")) {
            int active = 0;
            int retired = 0;
            while (rows.next()) {
                if (rows.getObject(2) == null) {
                    active++;
                    assertThat(rows.getString(1)).isEqualTo(keyId);
                } else {
                    retired++;
                }
            }
            assertThat(active).isEqualTo(1);
            assertThat(retired).isEqualTo(1);
        }
    }

    @Test
    void keysRotateWhenAlgorithmUnknownThenExit1() {
        Run result = run("keys", "rotate", "--alg", "HS256");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("ES256");
    }

    @Test
    void rotateSecretWhenAnotherProcessHoldsTheDatabaseThenOneJsonParagraphNamingTheApi()
            throws Exception {
        run("migrate");
        try (Connection held = connect()) {

            Process cli = commandInAnotherProcess("client", "rotate-secret",
                    "--client-id", "demo-confidential");

            String err = new String(cli.getErrorStream().readAllBytes(), UTF_8);
            String out = new String(cli.getInputStream().readAllBytes(), UTF_8);
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).isEqualTo(1);
            assertThat(out).isEmpty();
            assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
            JsonNode error = MAPPER.readTree(err);
            assertThat(error.get("error").asText()).isEqualTo("database_in_use");
            assertThat(error.get("error_description").asText())
                    .contains("twofold.mv.db").contains("running Twofold server")
                    .contains("Stop that server first")
                    .contains("POST /api/v2/clients/{client_id}/rotate-secret");
        }
    }

    @Test
    void migrateWhenTheDatabaseCannotBeReachedThenJsonErrorWithoutStackTrace() {
        CommandLine line = new CommandLine(new Main());
        Commands.addTo(line, Map.of("TWOFOLD_MODE", "dev",
                "TWOFOLD_DB_URL", "jdbc:postgresql://127.0.0.1:1/none?password=hunter2"));
        StringWriter err = new StringWriter();
        line.setErr(new PrintWriter(err));

        int code = line.execute("migrate");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("\"database_unavailable\"")
                .contains("jdbc:postgresql://127.0.0.1:1/none").contains("TWOFOLD_DB_URL")
                .doesNotContain("hunter2").doesNotContain("\tat ");
    }

    /** Runs {@code twofold <args>} in a new JVM, as {@code bin/twofold} would. */
    private Process commandInAnotherProcess(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("TWOFOLD_"));
        builder.environment().put("TWOFOLD_DATA_DIR", dataDir.toString());
        return builder.start();
    }
}
