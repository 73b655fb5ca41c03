package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Black-box tests of Auth0's user import jobs: {@code POST /api/v2/jobs/users-imports} with a
 * multipart form, {@code GET /api/v2/jobs/{id}} and {@code …/errors}. The fixture file is the
 * one of {@link UserImportTest} (see {@code src/test/resources/import/README.md}).
 */
class JobsApiTest {

    private static final String CONNECTION = "Username-Password-Authentication";
    private static final String BOUNDARY = "----twofold-test-boundary";
    private static TestServer server;
    private static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        token = ManagementTokens.all(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = JobsApiTest.class.getResourceAsStream("/import/" + name)) {
            return in.readAllBytes();
        }
    }

    /** A multipart/form-data body as RFC 7578 describes it; {@code users} is sent as a file. */
    private static byte[] multipart(Map<String, String> fields, byte[] users) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\""
                    + field.getKey() + "\"\r\n\r\n" + field.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (users != null) {
            body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"users\";"
                    + " filename=\"users.json\"\r\nContent-Type: application/json\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(users);
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private Http.Answer postImport(Map<String, String> fields, byte[] users) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(server.issuer() + "api/v2/jobs/users-imports"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(fields, users)))
                .build();
        return server.http().send(request);
    }

    private static Map<String, String> connection() {
        return Map.of("connection_id", JobsEndpoint.CONNECTION_ID);
    }

    @Test
    void importWhenBulkFileThenCompletedJobWithAuth0SummaryAndUsersLogIn() throws Exception {
        Http.Answer created = postImport(connection(), fixture("auth0-bulk-users.json"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.text("status")).isEqualTo("completed");
        assertThat(created.text("type")).isEqualTo("users_import");
        assertThat(created.text("id")).startsWith("job_");
        assertThat(created.json().get("summary").toString())
                .isEqualTo("{\"failed\":4,\"updated\":0,\"inserted\":2,\"total\":6}");
        Http.Answer login = server.http().postForm("/oauth/token", Map.of("grant_type",
                Fixtures.PASSWORD_REALM, "realm", CONNECTION, "username", "anna@example.com",
                "password", "Old-Auth0-Pass-1", "client_id", "c1", "client_secret",
                "s1-secret"));
        assertThat(login.status()).isEqualTo(200);
    }

    @Test
    void getJobWhenCreatedThenSameJobAndErrorsNameRowsWithoutHashes() throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(connection());
        fields.put("external_id", "migration-1");
        fields.put("upsert", "false");
        String jobId = postImport(fields, fixture("auth0-password-export.ndjson")).text("id");

        Http.Answer job = server.http().get("/api/v2/jobs/" + jobId, token);
        Http.Answer errors = server.http().get("/api/v2/jobs/" + jobId + "/errors", token);

        assertThat(job.status()).isEqualTo(200);
        assertThat(job.text("external_id")).isEqualTo("migration-1");
        assertThat(job.json().get("summary").get("inserted").asInt()).isEqualTo(2);
        assertThat(errors.status()).isEqualTo(200);
        assertThat(errors.json()).hasSize(1);
        assertThat(errors.json().get(0).get("line").asInt()).isEqualTo(3);
        assertThat(errors.json().get(0).get("errors").get(0).get("code").asText())
                .isEqualTo("INVALID_USER");
        assertThat(errors.body()).doesNotContain("$2y$10$");
    }

    @Test
    void importWhenSameFileTwiceThenDuplicatesReportedAsAuth0Does() throws Exception {
        byte[] file = ("[{\"email\":\"twice@example.com\",\"password_hash\":"
                + "\"$2y$10$0wNh9BqklGx3rKbrmxz08esuQrnP6JIKvUgK5SCebb/PKtFkrTImu\"}]")
                .getBytes(StandardCharsets.UTF_8);
        postImport(connection(), file);

        Http.Answer again = postImport(connection(), file);
        Http.Answer errors = server.http().get("/api/v2/jobs/" + again.text("id") + "/errors",
                token);

        assertThat(again.json().get("summary").get("failed").asInt()).isEqualTo(1);
        assertThat(errors.json().get(0).get("errors").get(0).get("code").asText())
                .isEqualTo("DUPLICATED_USER");
        assertThat(errors.json().get(0).get("user").get("email").asText())
                .isEqualTo("twice@example.com");
    }

    @Test
    void importWhenBodyIsJsonThen400NamingMultipart() {
        Http.Answer answer = server.http().postJson("/api/v2/jobs/users-imports",
                Map.of("connection_id", JobsEndpoint.CONNECTION_ID), token);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error_description")).contains("multipart/form-data");
    }

    @Test
    void importWhenConnectionMissingOrUnknownThen400Or404() throws Exception {
        Http.Answer missing = postImport(Map.of(), fixture("auth0-bulk-users.json"));
        Http.Answer unknown = postImport(Map.of("connection_id", "con_0000000000000001"),
                fixture("auth0-bulk-users.json"));

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.text("error_description")).contains("connection_id");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("error_description")).contains(JobsEndpoint.CONNECTION_ID);
    }

    @Test
    void importWhenUpsertOrUnknownFieldThen400() throws Exception {
        Http.Answer upsert = postImport(Map.of("connection_id", JobsEndpoint.CONNECTION_ID,
                "upsert", "true"), fixture("auth0-bulk-users.json"));
        Http.Answer unknown = postImport(Map.of("connection_id", JobsEndpoint.CONNECTION_ID,
                "colour", "red"), fixture("auth0-bulk-users.json"));

        assertThat(upsert.status()).isEqualTo(400);
        assertThat(upsert.text("error_description")).contains("upsert");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.text("error_description")).contains("colour");
    }

    @Test
    void importWhenFileMissingOrBrokenThen400AndNoJob() throws Exception {
        Http.Answer missing = postImport(connection(), null);
        Http.Answer broken = postImport(connection(),
                "[{\"email\":".getBytes(StandardCharsets.UTF_8));

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.text("error_description")).contains("users");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.text("error_description")).contains("nothing was imported");
    }

    @Test
    void importWhenFileOverLimitThen413Json() throws Exception {
        byte[] large = new byte[JobsEndpoint.MAX_FILE_BYTES + 1];
        java.util.Arrays.fill(large, (byte) ' ');

        Http.Answer answer = postImport(connection(), large);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.text("error")).isEqualTo("request_too_large");
    }

    @Test
    void importWhenFileLargerThanJsonBodyLimitThenStillImported() throws Exception {
        StringBuilder file = new StringBuilder("[");
        for (int i = 0; i < 600; i++) {
            file.append(i == 0 ? "" : ",").append("{\"email\":\"bulk").append(i)
                    .append("@example.com\",\"name\":\"").append("x".repeat(80))
                    .append("\",\"password_hash\":\"$2y$10$0wNh9BqklGx3rKbrmxz08esuQrnP6JIKvU")
                    .append("gK5SCebb/PKtFkrTImu\"}");
        }
        byte[] users = file.append("]").toString().getBytes(StandardCharsets.UTF_8);
        assertThat(users.length).isGreaterThan(64 * 1024);

        Http.Answer answer = postImport(connection(), users);

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("summary").get("inserted").asInt()).isEqualTo(600);
    }

    @Test
    void getJobWhenUnknownThen404AndWithoutScopeThen403() {
        Http.Answer unknown = server.http().get("/api/v2/jobs/job_nope", token);
        Http.Answer noScope = server.http().get("/api/v2/jobs/job_nope",
                ManagementTokens.withScopes(server, List.of("read:clients")));

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(noScope.status()).isEqualTo(403);
    }
}
