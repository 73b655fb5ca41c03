package dev.twofold.oauth.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 8414 metadata, parsed by Nimbus, and the JWKS. */
class DiscoveryTest {

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
    void oauthMetadataWhenParsedByNimbusThenAdvertisesGrantsAndPkce() throws Exception {
        Http.Answer answer = server.http().get("/.well-known/oauth-authorization-server");

        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(answer.body());

        assertThat(metadata.getIssuer().getValue()).isEqualTo(server.issuer());
        assertThat(answer.json().get("code_challenge_methods_supported").toString())
                .isEqualTo("[\"S256\"]");
        assertThat(metadata.getGrantTypes()).extracting(Object::toString).contains(
                "client_credentials", "refresh_token", "password",
                "http://auth0.com/oauth/grant-type/mfa-otp",
                "http://auth0.com/oauth/grant-type/mfa-oob",
                "http://auth0.com/oauth/grant-type/mfa-recovery-code");
        assertThat(metadata.getTokenEndpointAuthMethods()).extracting(Object::toString)
                .containsExactlyInAnyOrder("client_secret_basic", "client_secret_post", "none");
        assertThat(answer.text("mfa_challenge_endpoint"))
                .isEqualTo(server.issuer() + "mfa/challenge");
    }

    @Test
    void jwksWhenFetchedThenPublicKeysOnly() throws Exception {
        JWKSet keys = JWKSet.parse(server.http().get("/.well-known/jwks.json").body());

        assertThat(keys.getKeys()).isNotEmpty();
        assertThat(keys.getKeys()).noneMatch(key -> key.isPrivate());
        assertThat(keys.getKeys()).allMatch(key -> key.getKeyID() != null);
    }
}
