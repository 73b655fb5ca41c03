package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 6750 §3: how the Management API answers missing, bad and under-scoped tokens. */
class ManagementAccessTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void requestWhenNoTokenThenBearerChallengeWithoutErrorCode() {
        Http.Answer answer = server.http().get("/api/v2/clients");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer ")
                .doesNotContain("error=");
        assertThat(answer.text("error_description")).contains("client_credentials");
        assertThat(answer.json().get("statusCode").asInt()).isEqualTo(401);
        assertThat(answer.text("message")).isEqualTo(answer.text("error_description"));
    }

    @Test
    void requestWhenTokenIsGarbageThenInvalidToken() {
        Http.Answer answer = server.http().get("/api/v2/clients", "not-a-jwt");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.text("error")).isEqualTo("invalid_token");
        assertThat(answer.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }

    @Test
    void requestWhenTokenIsForAnotherAudienceThenInvalidTokenNamingTheAudience() {
        String token = ManagementTokens.token(server, server.issuer() + "mfa/",
                "read:clients", 600);

        Http.Answer answer = server.http().get("/api/v2/clients", token);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.text("error")).isEqualTo("invalid_token");
        assertThat(answer.text("error_description")).contains(server.issuer() + "api/v2/");
    }

    @Test
    void requestWhenTokenExpiredThenInvalidToken() {
        String token = ManagementTokens.token(server, server.issuer() + "api/v2/",
                "read:clients", -5);

        Http.Answer answer = server.http().get("/api/v2/clients", token);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.text("error_description")).contains("expired");
    }

    @Test
    void requestWhenSignatureAlteredThenInvalidToken() {
        String token = ManagementTokens.all(server);
        String altered = token.substring(0, token.length() - 4)
                + (token.endsWith("AAAA") ? "BBBB" : "AAAA");

        Http.Answer answer = server.http().get("/api/v2/clients", altered);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.text("error")).isEqualTo("invalid_token");
    }

    @Test
    void requestWhenScopeMissingThenInsufficientScope() {
        String token = ManagementTokens.withScopes(server, List.of("read:users"));

        Http.Answer answer = server.http().get("/api/v2/clients", token);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text("error")).isEqualTo("insufficient_scope");
        assertThat(answer.text("errorCode")).isEqualTo("insufficient_scope");
        assertThat(answer.header("WWW-Authenticate")).contains("scope=\"read:clients\"");
    }
}
