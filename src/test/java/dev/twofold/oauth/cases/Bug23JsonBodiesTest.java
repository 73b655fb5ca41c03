package dev.twofold.oauth.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CASES.md BUG-23, token-endpoint parts with the password grant: form and JSON bodies give the
 * same answer; text/plain and repeated parameters are refused. (The mfa-otp parts belong to
 * the MFA tests.)
 */
class Bug23JsonBodiesTest {

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

    private static Map<String, String> login() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "password");
        fields.put("username", Fixtures.ALICE);
        fields.put("password", Fixtures.ALICE_PASSWORD);
        fields.put("client_id", "c1");
        fields.put("client_secret", "s1-secret");
        fields.put("scope", "openid offline_access");
        return fields;
    }

    private static void assertTokens(Http.Answer answer) {
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.json().fieldNames()).toIterable().containsExactlyInAnyOrder(
                "access_token", "refresh_token", "id_token", "scope", "expires_in",
                "token_type");
    }

    @Test
    void loginWhenFormJsonOrCharsetThenSameAnswer() {
        Http.Answer form = server.http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded", Http.form(login()));
        Http.Answer charset = server.http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded; charset=UTF-8", Http.form(login()));
        Http.Answer json = server.http().postJson("/oauth/token", login());

        assertTokens(form);
        assertTokens(charset);
        assertTokens(json);
        assertThat(json.text("scope")).isEqualTo(form.text("scope"));
    }

    @Test
    void loginWhenTextPlainThenInvalidRequestJson() {
        Http.Answer answer = server.http().raw("POST", "/oauth/token", "text/plain",
                Http.form(login()));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.text("error")).isEqualTo("invalid_request");
    }

    @Test
    void loginWhenGrantTypeTwiceThenInvalidRequestJson() {
        Http.Answer answer = server.http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded", "grant_type=password&" + Http.form(login()));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.text("error")).isEqualTo("invalid_request");
        assertThat(answer.text("error_description")).contains("grant_type");
    }
}
