package dev.twofold.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 6749 §6: the refresh_token grant, its scope rules and its limits. */
class RefreshTokenGrantTest {

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().confidentialClient("c2", "s2-secret", "client_secret_post");
        server.fixtures().alice();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String login() {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret",
                "scope", "openid email offline_access")).text("refresh_token");
    }

    private Http.Answer refresh(String token, String clientId, String secret, String scope) {
        Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of(
                "grant_type", "refresh_token", "refresh_token", token, "client_id", clientId,
                "client_secret", secret));
        if (scope != null) {
            fields.put("scope", scope);
        }
        return server.http().postForm("/oauth/token", fields);
    }

    @Test
    void refreshWhenScopeNarrowedThenNarrowerScope() {
        Http.Answer answer = refresh(login(), "c1", "s1-secret", "openid offline_access");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text("scope").split(" ")).containsExactlyInAnyOrder("openid",
                "offline_access");
    }

    @Test
    void refreshWhenScopeWidenedThenInvalidScope() {
        Http.Answer answer = refresh(login(), "c1", "s1-secret", "openid profile");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_scope");
    }

    @Test
    void refreshWhenTokenOfAnotherClientThenInvalidGrant() {
        Http.Answer answer = refresh(login(), "c2", "s2-secret", null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_grant");
        assertThat(answer.text("error_description")).contains("another client");
    }

    @Test
    void refreshWhenMfaTokenSentThenInvalidGrantNamingIt() {
        Http.Answer answer = refresh("mfa_Zm9vYmFy", "c1", "s1-secret", null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_grant");
        assertThat(answer.text("error_description")).contains("mfa_token");
    }

    /** A JWT in refresh_token is named by its typ: at+jwt (RFC 9068 §2.1) or an ID token. */
    @Test
    void refreshWhenAccessOrIdTokenSentThenInvalidGrantNamingWhichJwt() {
        Http.Answer tokens = server.http().postForm("/oauth/token", Map.of("grant_type",
                "password", "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret", "scope", "openid"));

        Http.Answer access = refresh(tokens.text("access_token"), "c1", "s1-secret", null);
        Http.Answer id = refresh(tokens.text("id_token"), "c1", "s1-secret", null);

        assertThat(access.status()).isEqualTo(400);
        assertThat(access.text("error")).isEqualTo("invalid_grant");
        assertThat(access.text("error_description")).contains("is an access token")
                .contains("at+jwt").contains("rt_");
        assertThat(id.status()).isEqualTo(400);
        assertThat(id.text("error")).isEqualTo("invalid_grant");
        assertThat(id.text("error_description")).contains("is an ID token").contains("rt_");
    }

    @Test
    void refreshWhenRotatingThenFamilyKeepsItsAbsoluteLifetime() {
        String first = login();
        server.clock().advance(Duration.ofDays(20));
        Http.Answer second = refresh(first, "c1", "s1-secret", null);
        server.clock().advance(Duration.ofDays(11));

        Http.Answer third = refresh(second.text("refresh_token"), "c1", "s1-secret", null);

        assertThat(second.status()).isEqualTo(200);
        assertThat(third.status()).isEqualTo(400);
        assertThat(third.text("error")).isEqualTo("invalid_grant");
        assertThat(third.text("error_description")).contains("expired");
    }
}
