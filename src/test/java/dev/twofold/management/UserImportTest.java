package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twofold.server.Commands;
import dev.twofold.server.Main;
import dev.twofold.store.User;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code twofold user import}: Auth0's bulk-import and password-export files go into the
 * database of a running node, whose users then log in with their old passwords. The fixture
 * files and how their hashes were made are described in {@code src/test/resources/import/}.
 */
class UserImportTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CONNECTION = "Username-Password-Authentication";

    private TestServer server;

    @TempDir
    Path folder;

    @BeforeEach
    void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Run(int exitCode, String out, String err) {

        JsonNode json() throws Exception {
            return MAPPER.readTree(out);
        }
    }

    /** Runs {@code twofold …} in this JVM on the test node's database. */
    private Run run(String... args) {
        Map<String, String> environment = new HashMap<>();
        environment.put("TWOFOLD_MODE", "dev");
        for (String name : List.of("TWOFOLD_DB_URL", "TWOFOLD_DB_SCHEMA", "TWOFOLD_DATA_DIR",
                "TWOFOLD_ARGON2_MEMORY_KIB", "TWOFOLD_ARGON2_ITERATIONS")) {
            server.server().services().settings().get(name)
                    .ifPresent(value -> environment.put(name, value));
        }
        environment.put("TWOFOLD_DEMO_USER", "false");
        CommandLine line = new CommandLine(new Main());
        Commands.addTo(line, environment);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        int code = line.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String fixture(String name) throws URISyntaxException {
        return Path.of(UserImportTest.class.getResource("/import/" + name).toURI()).toString();
    }

    private Http.Answer login(String email, String password) {
        return server.http().postForm("/oauth/token", Map.of("grant_type",
                Fixtures.PASSWORD_REALM, "realm", CONNECTION, "username", email,
                "password", password, "client_id", "c1", "client_secret", "s1-secret"));
    }

    private String storedHash(String email) {
        return server.server().services().users().findByEmail(CONNECTION, email)
                .flatMap(User::passwordHash).orElseThrow();
    }

    @Test
    void importWhenBulkArrayThenCountsEachOutcomeAndNamesTheRows() throws Exception {
        Run result = run("user", "import", fixture("auth0-bulk-users.json"));

        assertThat(result.exitCode()).isEqualTo(2);
        JsonNode summary = result.json();
        assertThat(summary.get("total").asInt()).isEqualTo(6);
        assertThat(summary.get("imported").asInt()).isEqualTo(2);
        assertThat(summary.get("skipped_duplicates").asInt()).isEqualTo(1);
        assertThat(summary.get("refused").asInt()).isEqualTo(3);
        JsonNode problems = summary.get("problems");
        assertThat(problems.findValuesAsText("index")).containsExactly("2", "3", "4", "5");
        assertThat(problems.get(0).get("outcome").asText()).isEqualTo("skipped_duplicate");
        assertThat(problems.get(0).get("line").asInt()).isEqualTo(22);
        assertThat(problems.get(1).get("reason").asText()).contains("md5", "bcrypt");
        assertThat(problems.get(2).get("reason").asText()).contains("email");
        assertThat(problems.get(3).get("reason").asText())
                .contains("password_hash is not a bcrypt hash");
        assertThat(result.out() + result.err())
                .doesNotContain("$2b$10$", "$2y$10$", "1bc29b36");
    }

    @Test
    void importWhenBulkArrayThenUsersKeepIdsProfilesAndOldPasswords() throws Exception {
        run("user", "import", fixture("auth0-bulk-users.json"));

        Http.Answer anna = login("anna@example.com", "Old-Auth0-Pass-1");
        Http.Answer bob = login("bob@example.com", "Second-User-Pw-2");
        Http.Answer wrong = login("anna@example.com", "Second-User-Pw-2");

        assertThat(anna.status()).isEqualTo(200);
        assertThat(anna.text("access_token")).isNotBlank();
        assertThat(bob.status()).isEqualTo(200);
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.text("error")).isEqualTo("invalid_grant");
        User stored = server.server().services().users().find("auth0|anna01").orElseThrow();
        assertThat(stored.givenName()).contains("Anna");
        assertThat(stored.emailVerified()).isTrue();
        assertThat(stored.userMetadataJson()).contains("\"locale\":\"sv\"");
        assertThat(server.server().services().users().find("auth0|bob02")).isPresent();
    }

    @Test
    void importWhenPasswordExportLinesThenBadLineRefusedAndOthersLogIn() throws Exception {
        Run result = run("user", "import", fixture("auth0-password-export.ndjson"));

        assertThat(result.exitCode()).isEqualTo(2);
        JsonNode summary = result.json();
        assertThat(summary.get("total").asInt()).isEqualTo(3);
        assertThat(summary.get("imported").asInt()).isEqualTo(2);
        assertThat(summary.get("refused").asInt()).isEqualTo(1);
        assertThat(summary.get("problems").get(0).get("line").asInt()).isEqualTo(3);
        assertThat(server.server().services().users().find("auth0|60a1b2c3d4e5f60718293a4b"))
                .isPresent();
        assertThat(login("carla@example.com", "Export-Line-Pw-3").status()).isEqualTo(200);
        assertThat(login("dave@example.com", "Export-Line-Pw-4").status()).isEqualTo(200);
        assertThat(login("dave@example.com", "Export-Line-Pw-3").status()).isEqualTo(400);
    }

    @Test
    void importWhenRunTwiceThenSecondRunOnlySkipsDuplicates() throws Exception {
        run("user", "import", fixture("auth0-password-export.ndjson"));

        Run again = run("user", "import", fixture("auth0-password-export.ndjson"));

        JsonNode summary = again.json();
        assertThat(summary.get("imported").asInt()).isZero();
        assertThat(summary.get("skipped_duplicates").asInt()).isEqualTo(2);
    }

    @Test
    void loginWhenHashIsImportedBcryptThenUpgradedToArgon2idAndPasswordStillWorks()
            throws Exception {
        run("user", "import", fixture("auth0-password-export.ndjson"));
        assertThat(storedHash("carla@example.com")).startsWith("$2y$10$");

        Http.Answer first = login("carla@example.com", "Export-Line-Pw-3");

        assertThat(first.status()).isEqualTo(200);
        assertThat(storedHash("carla@example.com")).startsWith("$argon2id$");
        assertThat(login("carla@example.com", "Export-Line-Pw-3").status()).isEqualTo(200);
        assertThat(login("carla@example.com", "Export-Line-Pw-4").status()).isEqualTo(400);
    }

    @Test
    void loginWhenPasswordWrongThenImportedHashKept() throws Exception {
        run("user", "import", fixture("auth0-password-export.ndjson"));

        login("carla@example.com", "not-her-password");

        assertThat(storedHash("carla@example.com")).startsWith("$2y$10$");
    }

    @Test
    void importWhenArrayBrokenThenNothingImportedAndExit1() throws Exception {
        Path file = folder.resolve("broken.json");
        Files.writeString(file, "[\n{\"email\":\"x@example.com\",\n\"password_hash\":"
                + "\"$2y$10$0wNh9BqklGx3rKbrmxz08esuQrnP6JIKvUgK5SCebb/PKtFkrTImu\"},\n{oops");

        Run result = run("user", "import", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode error = MAPPER.readTree(result.err());
        assertThat(error.get("error_description").asText()).contains("line 4", "nothing");
        assertThat(result.err()).doesNotContain("$2y$10$");
        assertThat(server.server().services().users().findByEmail(CONNECTION, "x@example.com"))
                .isEmpty();
    }

    @Test
    void importWhenFileMissingThenExit1NamingIt() {
        Run result = run("user", "import", folder.resolve("absent.json").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("absent.json", "error_description");
    }
}
