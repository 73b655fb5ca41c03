package dev.twofold.ops;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The bearer check of the log endpoints: an access token (RFC 9068) of this issuer for the
 * Management API audience, unexpired, with the scope the endpoint needs.
 */
// Known gap: revocation (by jti or sid) is not checked here; swap this for the management
// module's shared bearer check once it exists, so a revoked token cannot read logs until expiry.
final class LogsAccess {

    private final Services services;

    LogsAccess(Services services) {
        this.services = services;
    }

    /** Refuses the request unless it carries a valid token with {@code scope}. */
    void require(Context context, String scope) {
        String token = bearer(context);
        JWTClaimsSet claims = verified(token);
        checkClaims(claims);
        List<String> scopes = scopes(claims);
        if (!scopes.contains(scope)) {
            throw ProtocolError.insufficientScope(realm(), scope, "The access token's scope is '"
                    + String.join(" ", scopes) + "'; this endpoint needs '" + scope + "'. Ask"
                    + " for it in the client grant of the Management API and request a new"
                    + " token.");
        }
    }

    private String bearer(Context context) {
        String header = context.header("Authorization");
        if (header == null || header.isBlank()) {
            throw ProtocolError.missingToken(realm(), "No Authorization header; send"
                    + " 'Authorization: Bearer <access token>' with a client-credentials token"
                    + " for the audience " + services.managementAudience());
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ProtocolError.invalidToken(realm(), "The Authorization header is not a Bearer"
                    + " token; send 'Authorization: Bearer <access token>'.");
        }
        return header.substring(7).trim();
    }

    private JWTClaimsSet verified(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!new JOSEObjectType("at+jwt").equals(jwt.getHeader().getType())) {
                throw invalid("The bearer token is not an access token (typ at+jwt);"
                        + " an ID token or other JWT cannot call the Management API.");
            }
            Optional<JWK> key = Optional.ofNullable(jwt.getHeader().getKeyID())
                    .flatMap(services.signingKeys()::publicKey);
            if (key.isEmpty() || !verifies(jwt, key.get())) {
                throw invalid("The access token's signature does not verify with this server's"
                        + " keys; it was issued by another server or altered.");
            }
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid("The bearer token is not a JWT access token; get one from POST"
                    + " /oauth/token with grant_type=client_credentials and audience "
                    + services.managementAudience());
        }
    }

    private static boolean verifies(SignedJWT jwt, JWK key) {
        try {
            return key instanceof AsymmetricJWK asymmetric && jwt.verify(
                    new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(),
                            asymmetric.toPublicKey()));
        } catch (JOSEException e) {
            return false;
        }
    }

    private void checkClaims(JWTClaimsSet claims) {
        if (!services.issuer().equals(claims.getIssuer())) {
            throw invalid("The access token's issuer is '" + claims.getIssuer() + "'; expected "
                    + services.issuer());
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(services.managementAudience())) {
            throw invalid("The access token's audience is " + audience + "; the Management API"
                    + " needs a token for the audience " + services.managementAudience());
        }
        Date expires = claims.getExpirationTime();
        if (expires == null || !expires.toInstant().isAfter(services.clock().instant())) {
            throw invalid("The access token has expired; request a new one from POST"
                    + " /oauth/token.");
        }
    }

    private static List<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        return scope instanceof String text && !text.isBlank()
                ? Arrays.asList(text.trim().split(" +")) : List.of();
    }

    private ProtocolError invalid(String description) {
        return ProtocolError.invalidToken(realm(), description);
    }

    private String realm() {
        return services.managementAudience();
    }
}
