package dev.twofold.oauth.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.twofold.oauth.AccessTokenClaims;
import dev.twofold.oauth.AccessTokenVerifier;
import dev.twofold.server.ProtocolError;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccessTokenVerifierTest {

    private TestServer server;
    private AccessTokenVerifier verifier;
    private String mfaAudience;

    @BeforeEach
    void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().alice();
        verifier = new AccessTokenVerifier(server.server().services());
        mfaAudience = server.issuer() + "mfa/";
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Http.Answer login(String scope) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret", "scope", scope,
                "audience", mfaAudience));
    }

    private ProtocolError refusal(String token, String audience) {
        return catchThrowableOfType(ProtocolError.class, () -> verifier.verify(token, audience));
    }

    @Test
    void verifyWhenTokenFreshThenReturnsItsClaims() {
        Http.Answer answer = login("openid enroll read:authenticators");

        AccessTokenClaims claims = verifier.verify(answer.text("access_token"), mfaAudience);

        assertThat(claims.clientId()).isEqualTo("c1");
        assertThat(claims.subject()).startsWith("auth0|");
        assertThat(claims.scopes()).containsExactlyInAnyOrder("openid", "enroll",
                "read:authenticators");
        assertThat(claims.amr()).containsExactly("pwd");
        assertThat(claims.audience()).contains(mfaAudience);
        assertThat(claims.sid()).isPresent();
    }

    @Test
    void verifyWhenTokenExpiredThenInvalidTokenNamingTheTime() {
        String token = login("enroll").text("access_token");
        server.clock().advance(Duration.ofSeconds(601));

        ProtocolError error = refusal(token, mfaAudience);

        assertThat(error.status()).isEqualTo(401);
        assertThat(error.error()).isEqualTo("invalid_token");
        assertThat(error.description()).contains("expired at");
        assertThat(error.headers().get("WWW-Authenticate")).contains("error=\"invalid_token\"");
        AccessTokenVerifier.Inspection inspection = verifier.inspect(token);
        assertThat(inspection.signatureValid()).isTrue();
        assertThat(inspection.expired()).isTrue();
    }

    @Test
    void verifyWhenAudienceOtherThenInvalidTokenNamingBoth() {
        String token = login("enroll").text("access_token");

        ProtocolError error = refusal(token, server.issuer() + "api/v2/");

        assertThat(error.description()).contains(mfaAudience).contains("api/v2/");
    }

    @Test
    void verifyWhenSignatureAlteredThenInvalidToken() {
        String token = login("enroll").text("access_token");
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "."
                + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);

        ProtocolError error = refusal(forged, mfaAudience);

        assertThat(error.description()).contains("signature");
        assertThat(verifier.inspect(forged).signatureValid()).isFalse();
    }

    @Test
    void verifyWhenIdTokenOrOpaqueTokensThenNamesWhatWasSent() {
        Http.Answer answer = login("openid offline_access enroll");

        assertThat(refusal(answer.text("id_token"), mfaAudience).description())
                .contains("ID token");
        assertThat(refusal("mfa_abc", mfaAudience).description()).contains("mfa_token");
        assertThat(refusal("rt_abc", mfaAudience).description()).contains("refresh token");
        assertThat(refusal("garbage", mfaAudience).description()).contains("not a JWT");
    }

    /** RFC 7519 §6 unsecured JWT: refused as such (RFC 8725 §3.1), not as "not a JWT". */
    @Test
    void verifyWhenUnsecuredJwtThenNamesAlgNone() {
        String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));
        String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"iss\":\"" + server.issuer() + "\",\"sub\":\"x\"}").getBytes(
                        java.nio.charset.StandardCharsets.UTF_8));

        ProtocolError error = refusal(header + "." + payload + ".", mfaAudience);

        assertThat(error.status()).isEqualTo(401);
        assertThat(error.description()).contains("unsigned JWT (alg none)");
    }
}
