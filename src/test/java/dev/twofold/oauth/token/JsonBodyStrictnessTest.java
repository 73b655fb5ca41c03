package dev.twofold.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * JSON bodies of the token and sign-up endpoints are read strictly: a member sent twice, a
 * NUL character, an unpaired surrogate, and a value of the wrong JSON type are refused with
 * 400 {@code invalid_request} naming the parameter, instead of being read silently.
 */
class JsonBodyStrictnessTest {

    private static final String PASSWORD_GRANT = "\"grant_type\":\"password\","
            + "\"client_id\":\"c1\",\"client_secret\":\"s1-secret\","
            + "\"username\":\"alice@example.com\"";

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().alice();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer post(String path, String json) {
        return server.http().raw("POST", path, "application/json", json);
    }

    private static void assertRefused(Http.Answer answer, String... words) {
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_request");
        assertThat(answer.text("error_description")).contains(words)
                .doesNotContain("Jackson").doesNotContain("StreamRead")
                .doesNotContain("Source").doesNotContain("s1-secret");
    }

    @Test
    void tokenWhenGrantTypeSentTwiceThenRefusedNamingIt() {
        Http.Answer answer = post("/oauth/token",
                "{\"grant_type\":\"password\",\"grant_type\":\"foo\",\"client_id\":\"c1\"}");

        assertRefused(answer, "Parameter grant_type was sent more than once", "send it once");
    }

    @Test
    void tokenWhenPasswordHoldsNulThenRefusedNamingIt() {
        Http.Answer answer = post("/oauth/token", "{" + PASSWORD_GRANT
                + ",\"password\":\"Correct\\u0000Horse-9\"}");

        assertRefused(answer, "Parameter password", "NUL");
    }

    @Test
    void tokenWhenNameHoldsUnpairedSurrogateThenRefused() {
        Http.Answer answer = post("/oauth/token", "{" + PASSWORD_GRANT
                + ",\"password\":\"Correct-Horse-9\",\"scope\":\"openid \\ud800\"}");

        assertRefused(answer, "Parameter scope", "unpaired UTF-16 surrogate");
    }

    @Test
    void tokenWhenSurrogatePairIsWholeThenNotRefusedForIt() {
        Http.Answer answer = post("/oauth/token", "{" + PASSWORD_GRANT
                + ",\"password\":\"\\ud83d\\ude00\"}");

        assertThat(answer.text("error")).isEqualTo("invalid_grant");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "grant_type|{\"grant_type\":[\"password\"],\"client_id\":\"c1\"}|a JSON array",
        "client_id|{\"grant_type\":\"client_credentials\",\"client_id\":[\"c1\"]}|a JSON array",
        "password|{" + PASSWORD_GRANT + ",\"password\":12345678}|a JSON number",
        "password|{" + PASSWORD_GRANT + ",\"password\":true}|a JSON boolean",
    })
    void tokenWhenSingleValueHasWrongJsonTypeThenRefusedNamingParameterAndType(
            String parameter, String body, String received) {
        Http.Answer answer = post("/oauth/token", body);

        assertRefused(answer, "Parameter " + parameter + " must be one JSON string",
                "received " + received);
    }

    @Test
    void tokenWhenJsonNestsTooDeepThenOurOwnDescription() {
        Http.Answer answer = post("/oauth/token",
                "{\"grant_type\":" + "[".repeat(40) + "]".repeat(40) + "}");

        assertRefused(answer, "more than 32 levels");
        assertThat(answer.text("error_description")).doesNotContain("getMaxNestingDepth");
    }

    @Test
    void tokenWhenJsonIsTruncatedThenLineAndColumnWithoutParserInternals() {
        Http.Answer answer = post("/oauth/token", "{\"grant_type\": ");

        assertRefused(answer, "not valid JSON at line 1, column");
    }

    @Test
    void signupWhenEmailIsAnArrayThenRefusedNamingIt() {
        Http.Answer answer = post("/dbconnections/signup", "{\"client_id\":\"c1\","
                + "\"email\":[\"new@example.com\"],\"password\":\"Correct-Horse-9\"}");

        assertRefused(answer, "Parameter email must be one JSON string", "JSON array");
    }

    @Test
    void signupWhenEmailSentTwiceThenRefused() {
        Http.Answer answer = post("/dbconnections/signup", "{\"client_id\":\"c1\","
                + "\"email\":\"a@example.com\",\"email\":\"b@example.com\","
                + "\"password\":\"Correct-Horse-9\"}");

        assertRefused(answer, "Parameter email was sent more than once");
    }
}
