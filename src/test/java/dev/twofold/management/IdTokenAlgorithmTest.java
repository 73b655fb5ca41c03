package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client's {@code jwt_configuration.alg} chooses its ID tokens' algorithm (OIDC Core §3.1.3.7
 * step 7: the client checks the alg it registered); RS256 stays the default, as Auth0's.
 * Signatures are checked by Nimbus' JWT processor against the published JWKS.
 */
class IdTokenAlgorithmTest {

    private static TestServer server;
    private static String managementToken;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().alice();
        managementToken = ManagementTokens.all(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void idTokenWhenClientChoseEs256ThenSignedWithEs256AndVerifiesAgainstJwks()
            throws Exception {
        Map<String, String> client = client(Map.of("alg", "ES256"));

        Http.Answer answer = login(client);

        assertThat(answer.status()).isEqualTo(200);
        String idToken = answer.text("id_token");
        assertThat(SignedJWT.parse(idToken).getHeader().getAlgorithm())
                .isEqualTo(JWSAlgorithm.ES256);
        JWTClaimsSet claims = verify(idToken, JWSAlgorithm.ES256, client.get("client_id"));
        assertThat(claims.getAudience()).containsExactly(client.get("client_id"));
    }

    @Test
    void idTokenWhenClientChoseNothingThenRs256() throws Exception {
        Map<String, String> client = client(null);

        Http.Answer answer = login(client);

        String idToken = answer.text("id_token");
        assertThat(SignedJWT.parse(idToken).getHeader().getAlgorithm())
                .isEqualTo(JWSAlgorithm.RS256);
        verify(idToken, JWSAlgorithm.RS256, client.get("client_id"));
    }

    @Test
    void createWhenAlgorithmUnsupportedThenBadRequestNamesTheField() {
        Http.Answer answer = server.http().postJson("/api/v2/clients", Map.of("name", "HS",
                "jwt_configuration", Map.of("alg", "HS256")), managementToken);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error_description")).contains("jwt_configuration.alg")
                .contains("ES256").contains("RS256");
    }

    @Test
    void discoveryWhenReadThenListsBothIdTokenAlgorithms() {
        Http.Answer answer = server.http().get("/.well-known/openid-configuration");

        assertThat(answer.json().get("id_token_signing_alg_values_supported").toString())
                .isEqualTo("[\"RS256\",\"ES256\"]");
    }

    private static Map<String, String> client(Map<String, String> jwtConfiguration) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "Alg client",
                "app_type", "regular_web", "grant_types", List.of("password")));
        if (jwtConfiguration != null) {
            body.put("jwt_configuration", jwtConfiguration);
        }
        Http.Answer created = server.http().postJson("/api/v2/clients", body, managementToken);
        assertThat(created.status()).isEqualTo(201);
        String expected = jwtConfiguration == null ? "RS256" : jwtConfiguration.get("alg");
        assertThat(created.json().get("jwt_configuration").get("alg").asText())
                .isEqualTo(expected);
        return Map.of("client_id", created.text("client_id"),
                "client_secret", created.text("client_secret"));
    }

    private static Http.Answer login(Map<String, String> client) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", client.get("client_id"),
                "client_secret", client.get("client_secret"), "scope", "openid"));
    }

    private static JWTClaimsSet verify(String idToken, JWSAlgorithm algorithm, String clientId)
            throws Exception {
        JWKSet keys = JWKSet.parse(server.http().get("/.well-known/jwks.json").body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithm,
                new ImmutableJWKSet<>(keys)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(clientId,
                new JWTClaimsSet.Builder().issuer(server.issuer()).build(),
                Set.of("sub", "iat", "exp", "at_hash")));
        return processor.process(idToken, null);
    }
}
