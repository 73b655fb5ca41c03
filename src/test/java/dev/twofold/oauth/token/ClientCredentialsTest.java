package dev.twofold.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 6749 §4.4 with Auth0's client grants. */
class ClientCredentialsTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.server().services().database().inTransaction(handle -> handle.createUpdate(
                "INSERT INTO client_grants (id, client_id, audience, scope, created_at)"
                        + " VALUES ('cg1', 'c1', :audience, '[\"read:users\"]', 0)")
                .bind("audience", server.issuer() + "api/v2/").execute());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer request(Map<String, String> extra) {
        Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of(
                "grant_type", "client_credentials", "client_id", "c1",
                "client_secret", "s1-secret"));
        fields.putAll(extra);
        return server.http().postForm("/oauth/token", fields);
    }

    @Test
    void clientCredentialsWhenGrantedThenClientSubjectAndNoRefreshToken() throws Exception {
        Http.Answer answer = request(Map.of("audience", server.issuer() + "api/v2/",
                "scope", "openid offline_access read:users"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text("scope")).isEqualTo("read:users");
        assertThat(answer.json().has("refresh_token")).isFalse();
        assertThat(answer.json().has("id_token")).isFalse();
        JWTClaimsSet claims = SignedJWT.parse(answer.text("access_token")).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("c1@clients");
        assertThat(claims.getAudience()).containsExactly(server.issuer() + "api/v2/");
        assertThat(claims.getClaim("amr")).isNull();
    }

    @Test
    void clientCredentialsWhenNoClientGrantThenAccessDeniedNamingTheFix() {
        Http.Answer answer = request(Map.of("audience", server.issuer() + "mfa/"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text("error")).isEqualTo("access_denied");
        assertThat(answer.text("error_description")).contains("client grant");
    }

    @Test
    void clientCredentialsWhenNoAudienceThenInvalidRequest() {
        Http.Answer answer = request(Map.of());

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_request");
        assertThat(answer.text("error_description")).contains("audience");
    }
}
