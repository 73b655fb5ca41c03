package dev.twofold.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;

/**
 * The tokens of a hosted login, each verified with Nimbus against the node's published JWKS,
 * and the check that the access token carries the same {@code amr} and {@code acr} as the ID
 * token.
 */
final class VerifiedTokens {

    private VerifiedTokens() {
    }

    /** The claims of a JWT whose signature verifies with the JWKS key its kid names. */
    static JWTClaimsSet verified(TestServer server, String jwt) throws Exception {
        SignedJWT token = SignedJWT.parse(jwt);
        JWK key = JWKSet.parse(server.http().get("/.well-known/jwks.json").body())
                .getKeyByKeyId(token.getHeader().getKeyID());
        assertThat(key).as("JWKS key " + token.getHeader().getKeyID()).isNotNull();
        assertThat(token.verify(new DefaultJWSVerifierFactory().createJWSVerifier(
                token.getHeader(), ((AsymmetricJWK) key).toPublicKey()))).isTrue();
        assertThat(token.getJWTClaimsSet().getIssuer()).isEqualTo(server.issuer());
        return token.getJWTClaimsSet();
    }

    /**
     * The verified ID token of a token answer, after checking that the verified access token
     * states the same amr and acr.
     */
    static JWTClaimsSet idTokenMatchingAccessToken(TestServer server, Http.Answer tokens)
            throws Exception {
        JWTClaimsSet idToken = verified(server, tokens.text("id_token"));
        JWTClaimsSet accessToken = verified(server, tokens.text("access_token"));
        assertThat(accessToken.getSubject()).isEqualTo(idToken.getSubject());
        assertThat(accessToken.getStringListClaim("amr")).as("access token amr")
                .isNotEmpty().isEqualTo(idToken.getStringListClaim("amr"));
        assertThat(accessToken.getStringClaim("acr")).as("access token acr")
                .isEqualTo(idToken.getStringClaim("acr"));
        return idToken;
    }
}
