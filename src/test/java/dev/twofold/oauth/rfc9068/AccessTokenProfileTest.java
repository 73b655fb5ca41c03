package dev.twofold.oauth.rfc9068;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 9068 §2 and §4, checked by Nimbus' own JWT processor rather than by our verifier. */
class AccessTokenProfileTest {

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

    private static JWTClaimsSet process(String token, JWSAlgorithm algorithm) throws Exception {
        JWKSet keys = JWKSet.parse(server.http().get("/.well-known/jwks.json").body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // RFC 9068 §4: the resource server must check typ is at+jwt.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithm,
                new ImmutableJWKSet<>(keys)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(server.issuer()).build(),
                Set.of("iss", "exp", "aud", "sub", "client_id", "iat", "jti")));
        return processor.process(token, null);
    }

    @Test
    void passwordGrantWhenOpenidScopeThenAccessTokenCarriesRfc9068Claims() throws Exception {
        Http.Answer answer = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "password", "username", Fixtures.ALICE,
                "password", Fixtures.ALICE_PASSWORD, "client_id", "c1",
                "client_secret", "s1-secret", "scope", "openid enroll",
                "audience", server.issuer() + "mfa/"));

        JWTClaimsSet claims = process(answer.text("access_token"), JWSAlgorithm.RS256);

        assertThat(claims.getAudience()).containsExactly(server.issuer() + "mfa/",
                server.issuer() + "userinfo");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("c1");
        assertThat(claims.getStringClaim("scope").split(" "))
                .containsExactlyInAnyOrder("openid", "enroll");
        assertThat(claims.getStringListClaim("amr")).containsExactly("pwd");
        assertThat(claims.getLongClaim("auth_time")).isNotNull();
        assertThat(claims.getStringClaim("sid")).isNotBlank();
        long lifetime = (claims.getExpirationTime().getTime()
                - claims.getIssueTime().getTime()) / 1000;
        assertThat(lifetime).isEqualTo(600);
        assertThat(answer.json().get("expires_in").asLong()).isEqualTo(600);
    }

    @Test
    void resourceServerWhenEs256ThenAccessTokenSignedWithEs256() throws Exception {
        long now = System.currentTimeMillis();
        server.server().services().resourceServers().save(new dev.twofold.store.ResourceServer(
                "rs-es", "https://es.api.example/", "ES API", "ES256", java.util.List.of(
                "read:things"), 1200, true, false, now, now));

        Http.Answer answer = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "password", "username", Fixtures.ALICE,
                "password", Fixtures.ALICE_PASSWORD, "client_id", "c1",
                "client_secret", "s1-secret", "scope", "read:things write:things",
                "audience", "https://es.api.example/"));
        JWTClaimsSet claims = process(answer.text("access_token"), JWSAlgorithm.ES256);

        assertThat(claims.getAudience()).containsExactly("https://es.api.example/");
        assertThat(claims.getStringClaim("scope")).isEqualTo("read:things");
        assertThat(answer.json().get("expires_in").asLong()).isEqualTo(1200);
    }
}
