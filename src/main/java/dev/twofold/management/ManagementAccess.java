package dev.twofold.management;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.text.ParseException;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the bearer access token of a Management API request (RFC 6750 §2.1): an RFC 9068 JWT
 * signed by this server, for the audience {@code {issuer}api/v2/}, not expired nor revoked,
 * carrying the scope the endpoint needs. Thread-safe.
 */
final class ManagementAccess {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementAccess.class);
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final Services services;

    ManagementAccess(Services services) {
        this.services = services;
    }

    /** Returns the token's claims, or throws 401 (no or bad token) or 403 (missing scope). */
    JWTClaimsSet require(Context context, String scope) {
        String token = bearerToken(context);
        JWTClaimsSet claims = verified(token);
        Set<String> granted = scopes(claims);
        if (!granted.contains(scope)) {
            LOG.debug("Management request refused: scope {} missing", scope);
            throw ProtocolError.insufficientScope(realm(), scope, "This endpoint needs the"
                    + " scope " + scope + "; the access token has " + granted + ". Add " + scope
                    + " to the client grant of this client for " + services.managementAudience()
                    + " and request a new token.");
        }
        return claims;
    }

    private String bearerToken(Context context) {
        String header = context.header("Authorization");
        if (header == null || header.isBlank()) {
            throw ProtocolError.missingToken(realm(), "No access token was sent. Send"
                    + " Authorization: Bearer <access token>, obtained from POST /oauth/token"
                    + " with grant_type=client_credentials and audience="
                    + services.managementAudience() + ".");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw invalid("The Authorization header does not use the Bearer scheme; send"
                    + " Authorization: Bearer <access token>.");
        }
        return header.substring(7).trim();
    }

    private JWTClaimsSet verified(String token) {
        SignedJWT jwt = parse(token);
        if (!AT_JWT.equals(jwt.getHeader().getType())) {
            throw invalid("The bearer token is not an access token (its JWT typ is "
                    + jwt.getHeader().getType() + ", expected at+jwt); an ID token cannot call"
                    + " the Management API.");
        }
        checkSignature(jwt);
        JWTClaimsSet claims = claims(jwt);
        checkIssuerAndAudience(claims);
        checkLifetime(claims);
        checkNotRevoked(claims);
        return claims;
    }

    private SignedJWT parse(String token) {
        if (token.startsWith("rt_") || token.startsWith("mfa_") || token.startsWith("ac_")) {
            throw invalid("The bearer token is an opaque Twofold token (a refresh token,"
                    + " mfa_token or authorization code), not an access token; send the"
                    + " access_token of a client_credentials grant for "
                    + services.managementAudience() + ".");
        }
        try {
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            throw invalid("The bearer token is not a JWT access token; send the access_token"
                    + " of a client_credentials grant for " + services.managementAudience()
                    + ".");
        }
    }

    private void checkSignature(SignedJWT jwt) {
        String keyId = jwt.getHeader().getKeyID();
        Optional<JWK> key = keyId == null ? Optional.empty()
                : services.signingKeys().publicKey(keyId);
        if (key.isEmpty() || !verifies(jwt, key.get())) {
            LOG.warn("Management request with a token whose signature does not verify");
            throw invalid("The access token's signature does not verify with this server's"
                    + " keys (/.well-known/jwks.json); it was not issued here or was altered.");
        }
    }

    private static boolean verifies(SignedJWT jwt, JWK key) {
        try {
            JWSVerifier verifier = key instanceof ECKey ec ? new ECDSAVerifier(ec)
                    : new RSASSAVerifier((RSAKey) key);
            return jwt.getHeader().getAlgorithm().equals(key.getAlgorithm())
                    && jwt.verify(verifier);
        } catch (JOSEException | ClassCastException e) {
            return false;
        }
    }

    private static JWTClaimsSet claims(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw ProtocolError.invalidToken("api/v2", "The access token's claims are not a"
                    + " JSON object.");
        }
    }

    private void checkIssuerAndAudience(JWTClaimsSet claims) {
        if (!services.issuer().equals(claims.getIssuer())) {
            throw invalid("The access token was issued by " + claims.getIssuer()
                    + ", not by this server (" + services.issuer() + ").");
        }
        if (claims.getAudience() == null
                || !claims.getAudience().contains(services.managementAudience())) {
            throw invalid("The access token is for audience " + claims.getAudience()
                    + "; the Management API needs a token for audience "
                    + services.managementAudience() + " (grant_type=client_credentials).");
        }
    }

    private void checkLifetime(JWTClaimsSet claims) {
        Date expiry = claims.getExpirationTime();
        if (expiry == null || expiry.getTime() <= services.clock().millis()) {
            throw invalid("The access token has expired; request a new one from"
                    + " POST /oauth/token.");
        }
    }

    private void checkNotRevoked(JWTClaimsSet claims) {
        String jti = claims.getJWTID() == null ? "" : claims.getJWTID();
        Object sid = claims.getClaim("sid");
        boolean revoked = services.database().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM revocations WHERE subject = :jti OR subject = :sid")
                .bind("jti", jti).bind("sid", sid == null ? jti : sid.toString())
                .mapTo(Integer.class).one()) > 0;
        if (revoked) {
            throw invalid("The access token was revoked; request a new one.");
        }
    }

    private static Set<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        Set<String> scopes = new LinkedHashSet<>();
        if (scope instanceof String text) {
            for (String item : text.trim().split(" +")) {
                if (!item.isEmpty()) {
                    scopes.add(item);
                }
            }
        }
        return scopes;
    }

    private ProtocolError invalid(String description) {
        LOG.debug("Management request refused: {}", description);
        return ProtocolError.invalidToken(realm(), description);
    }

    private String realm() {
        return services.managementAudience();
    }
}
