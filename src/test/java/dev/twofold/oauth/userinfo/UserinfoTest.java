package dev.twofold.oauth.userinfo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OIDC Core §5.3 and RFC 6750 §3: userinfo with good and wrong bearer tokens. */
class UserinfoTest {

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

    private static Http.Answer login(String scope, String audience) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret", "scope", scope,
                "audience", audience));
    }

    private static void assertInvalidToken(Http.Answer answer, String named) {
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer ")
                .contains("error=\"invalid_token\"");
        assertThat(answer.text("error")).isEqualTo("invalid_token");
        assertThat(answer.text("error_description")).contains(named);
    }

    @Test
    void userinfoWhenAccessTokenHasOpenidThenReturnsScopedClaims() {
        String token = login("openid email", server.issuer() + "mfa/").text("access_token");

        Http.Answer answer = server.http().get("/userinfo", token);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text("sub")).startsWith("auth0|");
        assertThat(answer.text("email")).isEqualTo(Fixtures.ALICE);
        assertThat(answer.json().has("name")).isFalse();
    }

    @Test
    void userinfoWhenTokenInQueryOrFormBodyThen401NamingWhereItWasAndWhereItBelongs() {
        String token = login("openid email", server.issuer() + "mfa/").text("access_token");

        Http.Answer query = server.http().get("/userinfo?access_token=" + token);
        Http.Answer form = server.http().raw("POST", "/userinfo",
                "application/x-www-form-urlencoded", "access_token=" + token);

        assertThat(query.status()).isEqualTo(401);
        assertThat(query.text("error_description")).contains("the query string")
                .contains("Authorization: Bearer").doesNotContain(token);
        assertThat(form.status()).isEqualTo(401);
        assertThat(form.text("error_description")).contains("the form body")
                .doesNotContain(token);
        assertThat(form.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Bearer realm="));
    }

    @Test
    void userinfoWhenTwoAuthorizationHeadersThen400InvalidRequest() {
        String token = login("openid email", server.issuer() + "mfa/").text("access_token");

        Http.Answer answer = server.http().raw("GET", "/userinfo", null, null,
                "Authorization", "Bearer " + token, "Authorization", "Bearer " + token);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_request");
        assertThat(answer.text("error_description")).contains("2 Authorization headers")
                .doesNotContain(token);
    }

    @Test
    void userinfoWhenPostedThenSameAnswerAsGet() {
        String token = login("openid profile", server.issuer() + "mfa/").text("access_token");

        Http.Answer answer = server.http().postJson("/userinfo", Map.of(), token);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text("nickname")).isEqualTo("alice");
    }

    @Test
    void userinfoWhenNoTokenThenBearerChallengeWithoutError() {
        Http.Answer answer = server.http().get("/userinfo");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer realm=\"")
                .doesNotContain("error=");
    }

    @Test
    void userinfoWhenMfaTokenSentThenNamesMfaToken() {
        assertInvalidToken(server.http().get("/userinfo", "mfa_Zm9vYmFy"), "mfa_token");
    }

    @Test
    void userinfoWhenRefreshTokenSentThenNamesRefreshToken() {
        String refresh = login("openid offline_access", "").text("refresh_token");
        assertThat(refresh).startsWith("rt_");

        assertInvalidToken(server.http().get("/userinfo", refresh), "refresh token");
    }

    @Test
    void userinfoWhenTokenLacksUserinfoAudienceThenNamesTheAudience() {
        String token = login("enroll", server.issuer() + "mfa/").text("access_token");

        assertInvalidToken(server.http().get("/userinfo", token), server.issuer() + "userinfo");
    }

    /**
     * RFC 6750 §3.1: a request with another scheme (or none) lacks a bearer token, so the
     * challenge has no error code; the description says what the header held instead of "No
     * access token was sent", without echoing the credentials.
     */
    @Test
    void userinfoWhenAuthorizationIsBasicOrABareTokenThenNamesTheSchemeProblem() {
        String token = login("openid email", server.issuer() + "mfa/").text("access_token");

        Http.Answer basic = server.http().raw("GET", "/userinfo", null, null,
                "Authorization", "Basic YzE6czEtc2VjcmV0");
        Http.Answer bare = server.http().raw("GET", "/userinfo", null, null,
                "Authorization", token);

        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.header("WWW-Authenticate")).startsWith("Bearer realm=\"")
                .doesNotContain("error=");
        assertThat(basic.text("error_description")).contains("Basic scheme, not Bearer")
                .contains("Authorization: Bearer").doesNotContain("YzE6czEtc2VjcmV0");
        assertThat(bare.status()).isEqualTo(401);
        assertThat(bare.text("error_description")).contains("no scheme")
                .contains("Authorization: Bearer").doesNotContain(token);
    }

    /** RFC 6750 §2: a client must not send the token by more than one method (§3.1). */
    @Test
    void userinfoWhenTokenInHeaderAndFormBodyThen400InvalidRequest() {
        String token = login("openid email", server.issuer() + "mfa/").text("access_token");

        Http.Answer answer = server.http().raw("POST", "/userinfo",
                "application/x-www-form-urlencoded", "access_token=" + token,
                "Authorization", "Bearer " + token);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_request");
        assertThat(answer.text("error_description")).contains("sent twice")
                .contains("the form body").doesNotContain(token);
    }
}
