package dev.twofold.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 7009 revocation and RFC 7662 introspection. */
class RevokeIntrospectTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().confidentialClient("c2", "s2-secret", "client_secret_basic");
        server.fixtures().publicClient();
        server.fixtures().alice();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer login() {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret",
                "scope", "openid offline_access"));
    }

    private static Http.Answer post(String path, String token, String clientId,
                                    String secret) {
        return server.http().postForm(path, Map.of("token", token, "client_id", clientId,
                "client_secret", secret));
    }

    private static boolean active(String token) {
        return post("/oauth/introspect", token, "c1", "s1-secret").json().get("active")
                .asBoolean();
    }

    @Test
    void revokeWhenUnknownTokenThen200() {
        Http.Answer answer = post("/oauth/revoke", "rt_unknown", "c1", "s1-secret");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void revokeWhenRefreshTokenThenFamilyAndItsAccessTokensInactive() {
        Http.Answer tokens = login();
        assertThat(active(tokens.text("access_token"))).isTrue();
        assertThat(active(tokens.text("refresh_token"))).isTrue();

        Http.Answer answer = post("/oauth/revoke", tokens.text("refresh_token"), "c1",
                "s1-secret");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(active(tokens.text("refresh_token"))).isFalse();
        assertThat(active(tokens.text("access_token"))).isFalse();
    }

    @Test
    void refreshWhenFamilyHasRevocationRowButTokenRowLiveThenRefusedAndInactive()
            throws Exception {
        // A revocation that a concurrent rotation outran: the family's row in revocations
        // exists, the refresh token's own row was never marked.
        Http.Answer tokens = login();
        String family = com.nimbusds.jwt.SignedJWT.parse(tokens.text("access_token"))
                .getJWTClaimsSet().getStringClaim("sid");
        server.server().services().database().inTransaction(handle -> handle.createUpdate(
                        "INSERT INTO revocations (subject, revoked_at, expires_at)"
                                + " VALUES (:subject, 0, :expires)")
                .bind("subject", family).bind("expires", Long.MAX_VALUE).execute());

        Http.Answer refresh = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "refresh_token", "refresh_token", tokens.text("refresh_token"),
                "client_id", "c1", "client_secret", "s1-secret"));

        assertThat(refresh.status()).isEqualTo(400);
        assertThat(refresh.text("error")).isEqualTo("invalid_grant");
        assertThat(refresh.text("error_description")).contains("revoked");
        assertThat(active(tokens.text("refresh_token"))).isFalse();
    }

    @Test
    void revokeWhenAccessTokenThenOnlyThatTokenInactive() {
        Http.Answer tokens = login();

        post("/oauth/revoke", tokens.text("access_token"), "c1", "s1-secret");

        assertThat(active(tokens.text("access_token"))).isFalse();
        assertThat(active(tokens.text("refresh_token"))).isTrue();
    }

    @Test
    void revokeWhenTokenOfAnotherClientThenRefusedAndTokenStaysActive() {
        Http.Answer tokens = login();

        Http.Answer answer = post("/oauth/revoke", tokens.text("refresh_token"), "c2",
                "s2-secret");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("unauthorized_client");
        assertThat(active(tokens.text("refresh_token"))).isTrue();
    }

    @Test
    void introspectWhenActiveAccessTokenThenClaimsPerRfc7662() {
        Http.Answer tokens = login();

        Http.Answer answer = post("/oauth/introspect", tokens.text("access_token"), "c1",
                "s1-secret");

        assertThat(answer.json().get("active").asBoolean()).isTrue();
        assertThat(answer.text("client_id")).isEqualTo("c1");
        assertThat(answer.text("scope").split(" ")).containsExactlyInAnyOrder("openid",
                "offline_access");
        assertThat(answer.text("iss")).isEqualTo(server.issuer());
    }

    @Test
    void introspectWhenExpiredOrGarbageThenInactive() {
        String token = login().text("access_token");
        server.clock().advance(Duration.ofDays(2));
        try {
            assertThat(active(token)).isFalse();
            assertThat(active("garbage")).isFalse();
            assertThat(active("mfa_abc")).isFalse();
        } finally {
            server.clock().advance(Duration.ofDays(-2));
        }
    }

    @Test
    void introspectWhenNoOrPublicClientThenInvalidClient() {
        Http.Answer anonymous = server.http().postForm("/oauth/introspect",
                Map.of("token", "x"));
        Http.Answer publicClient = server.http().postForm("/oauth/introspect",
                Map.of("token", "x", "client_id", "spa"));

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.text("error")).isEqualTo("invalid_client");
        assertThat(publicClient.status()).isEqualTo(401);
        assertThat(publicClient.header("WWW-Authenticate")).startsWith("Basic realm=");
    }
}
