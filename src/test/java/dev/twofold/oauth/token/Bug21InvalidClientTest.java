package dev.twofold.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CASES.md BUG-21: every invalid_client is a 401 with a Basic challenge, known or not. */
class Bug21InvalidClientTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().publicClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer basic(String clientId, String secret) {
        String credentials = Base64.getEncoder().encodeToString(
                (clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return server.http().raw("POST", "/oauth/token", "application/x-www-form-urlencoded",
                "grant_type=client_credentials", "Authorization", "Basic " + credentials);
    }

    private static void assertInvalidClient(Http.Answer answer) {
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).startsWith("Basic realm=\"");
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.text("error")).isEqualTo("invalid_client");
        assertThat(answer.text("error_description")).isNotBlank();
    }

    @Test
    void basicWhenSecretWrongOrClientUnknownThenIdenticalInvalidClient() {
        Http.Answer wrongSecret = basic("c1", "wrong");
        Http.Answer unknownClient = basic("no-such-client", "x");

        assertInvalidClient(wrongSecret);
        assertInvalidClient(unknownClient);
        assertThat(wrongSecret.body()).isEqualTo(unknownClient.body());
        assertThat(wrongSecret.header("WWW-Authenticate"))
                .isEqualTo(unknownClient.header("WWW-Authenticate"));
    }

    /** A bearer token is no client authentication (RFC 6749 §2.3.1): named, not "none sent". */
    @Test
    void tokenRequestWhenAuthorizationIsBearerThenInvalidClientNamingTheScheme() {
        Http.Answer answer = server.http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded", "grant_type=client_credentials",
                "Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln");

        assertInvalidClient(answer);
        assertThat(answer.text("error_description")).contains("not HTTP Basic but Bearer")
                .contains("client_id").doesNotContain("eyJhbGciOiJSUzI1NiJ9");
    }

    @Test
    void clientSecretPostWhenSecretWrongThenInvalidClientWithChallenge() {
        Http.Answer answer = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "client_credentials", "client_id", "c1",
                "client_secret", "wrong-Zq7x"));

        assertInvalidClient(answer);
        assertThat(answer.body()).doesNotContain("wrong-Zq7x");
    }

    @Test
    void tokenRequestWhenGrantTypeUnknownThenUnsupportedGrantType() {
        Http.Answer answer = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "foo", "client_id", "c1", "client_secret", "s1-secret"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("unsupported_grant_type");
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void publicClientWhenUsingClientCredentialsThenUnauthorizedClient() {
        Http.Answer answer = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "client_credentials", "client_id", "spa",
                "audience", server.issuer() + "api/v2/"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("unauthorized_client");
    }

    @Test
    void confidentialClientWhenSecretMissingThenInvalidClient() {
        Http.Answer answer = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "client_credentials", "client_id", "c1"));

        assertInvalidClient(answer);
    }

    @Test
    void tokenRequestWhenBearerHeaderSentThenIgnored() {
        Http.Answer answer = server.http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded",
                Http.form(Map.of("grant_type", "foo", "client_id", "c1",
                        "client_secret", "s1-secret")), "Authorization", "Bearer whatever");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("unsupported_grant_type");
    }
    @Test
    void authenticatorsWhenNoAuthorizationThenBearerRealmChallenge() {
        Http.Answer answer = server.http().get("/mfa/authenticators");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).matches("Bearer realm=\"[^\"]+\".*");
        assertThat(answer.header("WWW-Authenticate")).doesNotContain("error=");
        assertThat(answer.header("Content-Type")).startsWith("application/json");
    }

    @Test
    void authenticatorsWhenBearerGarbageThenInvalidTokenChallenge() {
        Http.Answer answer = server.http().get("/mfa/authenticators", "garbage");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer ")
                .contains("error=\"invalid_token\"");
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.text("error")).isEqualTo("invalid_token");
        assertThat(answer.body()).doesNotContain("garbage");
    }
}
