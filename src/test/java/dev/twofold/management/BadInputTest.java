package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Malformed bodies get a 4xx JSON answer in both error shapes, never a 500. */
class BadInputTest {

    private static TestServer server;
    private static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        token = ManagementTokens.all(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private Http.Answer post(String path, String contentType, String body) {
        return server.http().raw("POST", path, contentType, body,
                "Authorization", "Bearer " + token);
    }

    private static void assertClientError(Http.Answer answer, int status, String... words) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.text("error")).isNotBlank();
        assertThat(answer.text("error_description")).isNotBlank().contains(words);
        assertThat(answer.text("message")).isEqualTo(answer.text("error_description"));
        assertThat(answer.json().get("statusCode").asInt()).isEqualTo(status);
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/api/v2/users   | {\"connection\":                     | not valid JSON",
        "/api/v2/users   | []                                   | JSON object",
        "/api/v2/users   | {\"email\":42}                        | email",
        "/api/v2/users   | {\"colour\":\"red\"}                 | colour",
        "/api/v2/clients | {\"name\":[\"x\"]}                   | name",
        "/api/v2/clients | {\"name\":\"x\",\"is_first_party\":\"yes\"} | true or false",
        "/api/v2/clients | {\"name\":\"x\",\"callbacks\":[\"not a uri\"]} | absolute URI",
        "/api/v2/clients | {\"name\":\"x\",\"grant_types\":[\"implicit\"]} | implicit",
        "/api/v2/resource-servers | {\"identifier\":\"x\",\"token_lifetime\":1.5} | whole number",
        "/api/v2/client-grants | {\"client_id\":true}           | client_id",
        "/api/v2/users   | {\"email\":\"t@example.com\"} []       | more than one JSON value",
    })
    void postWhenBodyMalformedThen400Json(String path, String body, String mention) {
        Http.Answer answer = post(path.trim(), "application/json", body.trim());

        assertClientError(answer, 400, mention.trim());
    }

    @Test
    void createUserWhenEmailHoldsNulThen400NamingTheFieldAndNoUser() {
        Http.Answer answer = post("/api/v2/users", "application/json",
                "{\"connection\":\"Username-Password-Authentication\","
                        + "\"email\":\"h\\u0000@example.com\",\"password\":\"Correct-Horse-9\"}");

        assertClientError(answer, 400, "Field email", "NUL");
        assertThat(server.server().services().users().count()).isZero();
    }

    @Test
    void createUserWhenMetadataHoldsUnpairedSurrogateThen400NamingThePath() {
        Http.Answer answer = post("/api/v2/users", "application/json",
                "{\"email\":\"s@example.com\",\"password\":\"Correct-Horse-9\","
                        + "\"user_metadata\":{\"nick\":[\"ok\",\"\\udc00\"]}}");

        assertClientError(answer, 400, "Field user_metadata.nick[1]", "unpaired");
    }

    @Test
    void createUserWhenEmailSentTwiceThen400NamingTheField() {
        Http.Answer answer = post("/api/v2/users", "application/json",
                "{\"email\":\"first@example.com\",\"email\":\"second@example.com\","
                        + "\"password\":\"Correct-Horse-9\"}");

        assertClientError(answer, 400, "Field email was sent more than once");
        assertThat(answer.text("error_description")).doesNotContain("Duplicate field");
        assertThat(server.server().services().users().count()).isZero();
    }

    @Test
    void postWhenNestingTooDeepThenOurOwnDescription() {
        String deep = "{\"name\":\"x\",\"client_metadata\":" + "[".repeat(100)
                + "]".repeat(100) + "}";

        Http.Answer answer = post("/api/v2/clients", "application/json", deep);

        assertClientError(answer, 400, "more than 32 levels");
        assertThat(answer.text("error_description")).doesNotContain("StreamReadConstraints");
    }

    @Test
    void postWhenContentTypeIsFormThen400NamingJson() {
        Http.Answer answer = post("/api/v2/clients", "application/x-www-form-urlencoded",
                "name=x");

        assertClientError(answer, 400, "application/json");
    }

    @Test
    void postWhenBodyHugeThen413Json() {
        String huge = "{\"name\":\"" + "x".repeat(200_000) + "\"}";

        Http.Answer answer = post("/api/v2/clients", "application/json", huge);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.text("error")).isEqualTo("request_too_large");
        assertThat(answer.text("error_description")).contains("at most 65536 bytes")
                .contains("TWOFOLD_MAX_BODY_BYTES");
    }

    @Test
    void postWhenStringLongerThanColumnThen400() {
        String body = "{\"name\":\"" + "x".repeat(300) + "\"}";

        Http.Answer answer = post("/api/v2/clients", "application/json", body);

        assertClientError(answer, 400, "255");
    }

    @Test
    void postWhenBodyIsNotUtf8Then400() {
        Http.Answer answer = server.http().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.issuer() + "api/v2/clients"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                        new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, '"', '}'}))
                .build());

        assertClientError(answer, 400, "UTF-8");
    }

    @Test
    void getWhenQueryHasBrokenEscapeThen400AndNotTheUnfilteredList() throws Exception {
        String response = rawGet("/api/v2/users?q=%zz");

        assertThat(response).startsWith("HTTP/1.1 400").contains("invalid_query_string")
                .contains("invalid %-escape (%zz)").doesNotContain("\"user_id\"");
    }

    @Test
    void getWhenQueryIsNotUtf8Then400() {
        Http.Answer answer = server.http().get("/api/v2/users?q=email:%22%FF%22", token);

        assertClientError(answer, 400, "query string", "UTF-8");
        assertThat(answer.text("error")).isEqualTo("invalid_query_string");
    }

    @Test
    void getWhenQueryParameterRepeatedThen400NamingIt() {
        Http.Answer answer = server.http().get("/api/v2/users?page=0&page=1", token);

        assertClientError(answer, 400, "page was sent 2 times");
        assertThat(answer.text("error")).isEqualTo("invalid_query_string");
    }

    /** A request no URI class would build: sent as bytes over a socket. */
    private static String rawGet(String target) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1",
                server.server().port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + token + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
