package dev.twofold.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Checks Twofold access tokens presented as bearer tokens (RFC 6750): signature by key id,
 * {@code typ: at+jwt}, issuer, expiry on the node's clock, audience, and revocation.
 * Every refusal is a 401 {@code invalid_token} whose description names what was wrong and
 * how to get a good token. Thread-safe.
 */
public final class AccessTokenVerifier {

    private final Services services;
    private final Revocations revocations;

    public AccessTokenVerifier(Services services) {
        this.services = services;
        this.revocations = new Revocations(services.database());
    }

    /**
     * The result of {@link #inspect}: the claims if the token parses as a Twofold access token,
     * and what is wrong with it, so a caller can explain its own refusal.
     */
    public record Inspection(Optional<AccessTokenClaims> claims, boolean signatureValid,
                             boolean expired, boolean revoked) {

        public boolean audienceIncludes(String audience) {
            return claims.map(found -> found.audience().contains(audience)).orElse(false);
        }
    }

    /** The bearer token of the {@code Authorization} header, verified for the audience. */
    public AccessTokenClaims verifyBearer(Context context, String requiredAudience) {
        String token = bearerToken(context).orElseThrow(() -> ProtocolError.missingToken(realm(),
                elsewhere(context).map(place -> "The access_token was sent in " + place
                        + "; Twofold reads access tokens only from the Authorization header"
                        + " (RFC 6750 §2.1), which keeps them out of URLs and logs.")
                        .orElse(whyNoBearer(context))
                        + " Send it as Authorization: Bearer <access_token>,"
                        + " obtained from POST /oauth/token with audience "
                        + requiredAudience + "."));
        elsewhere(context).ifPresent(place -> {
            // RFC 6750 §2 and §3.1: one method per request; a second copy is not ignored.
            throw ProtocolError.invalidRequest("The access token was sent twice: in the"
                    + " Authorization header and in " + place + ". Send it only as"
                    + " Authorization: Bearer <access_token> (RFC 6750 §2: one method per"
                    + " request).");
        });
        return verify(token, requiredAudience);
    }

    /**
     * Why {@link #bearerToken} found no token, as the first sentence of a refusal: no
     * {@code Authorization} header, an empty {@code Bearer} one, one without a scheme (the bare
     * token, a common slip), or one of another scheme such as {@code Basic}. Only the scheme
     * is named, never the credentials after it.
     */
    public static String whyNoBearer(Context context) {
        String header = context.header("Authorization");
        if (header == null || header.isBlank()) {
            return "No access token was sent.";
        }
        String[] parts = header.strip().split("[ \t]+", 2);
        if (parts.length == 1 && !parts[0].equalsIgnoreCase("Bearer")) {
            return "The Authorization header has no scheme: it holds one word, not"
                    + " \"Bearer\", a space and the token.";
        }
        if (parts[0].equalsIgnoreCase("Bearer")) {
            return "The Authorization: Bearer header holds no token.";
        }
        String scheme = parts[0].matches("[A-Za-z0-9._~+/-]{1,20}") ? parts[0] : "another";
        return "The Authorization header uses the " + scheme + " scheme, not Bearer.";
    }

    /** Where else a client put an {@code access_token} (RFC 6750 §2.2, §2.3), if it did. */
    private static Optional<String> elsewhere(Context context) {
        if (context.queryParam("access_token") != null) {
            return Optional.of("the query string");
        }
        String type = context.contentType();
        if (type != null && type.startsWith("application/x-www-form-urlencoded")
                && context.formParam("access_token") != null) {
            return Optional.of("the form body");
        }
        return Optional.empty();
    }

    /**
     * The token of an {@code Authorization: Bearer} header, if there is one. Two
     * {@code Authorization} headers are refused: which one counts would be a guess, and a
     * proxy that adds one must not silently win or lose (RFC 6750 §2, one method).
     */
    public static Optional<String> bearerToken(Context context) {
        int headers = java.util.Collections.list(context.req().getHeaders("Authorization"))
                .size();
        if (headers > 1) {
            throw ProtocolError.invalidRequest("The request carries " + headers
                    + " Authorization headers; send one, Authorization: Bearer <access_token>.");
        }
        String header = context.header("Authorization");
        if (header == null || header.length() < 7
                || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** Verifies a token for the audience; throws {@code invalid_token} naming the fault. */
    public AccessTokenClaims verify(String token, String requiredAudience) {
        Inspection inspection = inspect(token);
        AccessTokenClaims claims = inspection.claims().orElseThrow();
        if (!inspection.signatureValid()) {
            throw invalid("The access token's signature does not verify with any key in "
                    + services.issuer() + ".well-known/jwks.json; it was altered or not issued"
                    + " by this server.");
        }
        if (inspection.expired()) {
            throw invalid("The access token expired at " + claims.expiresAt()
                    + "; get a new one from POST /oauth/token (refresh_token grant).");
        }
        if (!claims.audience().contains(requiredAudience)) {
            throw invalid("The access token is for audience " + String.join(", ",
                    claims.audience()) + "; this endpoint needs one for " + requiredAudience
                    + ". Request it with audience=" + requiredAudience + ".");
        }
        if (inspection.revoked()) {
            throw invalid("The access token was revoked (logout, token revocation or a reused"
                    + " refresh token); log in again.");
        }
        return claims;
    }

    /**
     * Parses a token without refusing it for expiry, audience or revocation. A token that is
     * not a Twofold access token at all (an mfa_token, a refresh token, an ID token, garbage)
     * is refused with a description naming what it is.
     */
    public Inspection inspect(String token) {
        SignedJWT jwt = parseAccessToken(token);
        AccessTokenClaims claims = claims(jwt);
        boolean signatureValid = signatureValid(jwt);
        Instant now = services.clock().instant();
        boolean expired = !now.isBefore(claims.expiresAt());
        boolean revoked = signatureValid && revocations.isRevoked(claims.jti(), claims.sid());
        return new Inspection(Optional.of(claims), signatureValid, expired, revoked);
    }

    private SignedJWT parseAccessToken(String token) {
        String kind = TokenKinds.describeNonAccessToken(token);
        if (kind != null) {
            throw invalid(kind);
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            if (unsecured(token)) {
                throw invalid("The bearer token is an unsigned JWT (alg none), which is never"
                        + " accepted (RFC 8725 §3.1): access tokens of this server are signed."
                        + " Send the access_token that POST /oauth/token returned.");
            }
            throw invalid("The bearer token is not a JWT; send the access_token that"
                    + " POST /oauth/token returned.");
        }
        if (!JwtTokenIssuer.ACCESS_TOKEN_TYPE.equals(jwt.getHeader().getType())) {
            throw invalid("The bearer token is a JWT with typ "
                    + jwt.getHeader().getType() + ", not an access token (typ at+jwt); an ID"
                    + " token is not an access token. Send the access_token field of the token"
                    + " response.");
        }
        return jwt;
    }

    /** Whether the token is an unsecured JWT ({@code "alg":"none"}, RFC 7519 §6). */
    private static boolean unsecured(String token) {
        try {
            return com.nimbusds.jwt.JWTParser.parse(token) instanceof com.nimbusds.jwt.PlainJWT;
        } catch (ParseException | RuntimeException e) {
            return false;
        }
    }

    private AccessTokenClaims claims(SignedJWT jwt) {
        try {
            JWTClaimsSet set = jwt.getJWTClaimsSet();
            if (!services.issuer().equals(set.getIssuer())) {
                throw invalid("The access token was issued by " + set.getIssuer()
                        + ", not by " + services.issuer() + ".");
            }
            return toClaims(set);
        } catch (ParseException | RuntimeException e) {
            if (e instanceof ProtocolError error) {
                throw error;
            }
            throw invalid("The access token's claims are malformed; send the access_token"
                    + " that POST /oauth/token returned.");
        }
    }

    private static AccessTokenClaims toClaims(JWTClaimsSet set) throws ParseException {
        List<String> amr = set.getStringListClaim("amr");
        String scope = set.getStringClaim("scope");
        Long authTime = set.getLongClaim("auth_time");
        return new AccessTokenClaims(set.getIssuer(), set.getSubject(),
                set.getStringClaim("client_id"), set.getAudience(),
                Audiences.parseScope(Optional.ofNullable(scope)),
                amr == null ? List.of() : amr,
                Optional.ofNullable(set.getStringClaim("acr")),
                Optional.ofNullable(authTime).map(Instant::ofEpochSecond),
                set.getIssueTime().toInstant(), set.getExpirationTime().toInstant(),
                set.getJWTID(), Optional.ofNullable(set.getStringClaim("sid")));
    }

    private boolean signatureValid(SignedJWT jwt) {
        String keyId = jwt.getHeader().getKeyID();
        if (keyId == null) {
            return false;
        }
        Optional<JWK> key = services.signingKeys().publicKey(keyId);
        if (key.isEmpty() || !jwt.getHeader().getAlgorithm().equals(key.get().getAlgorithm())) {
            return false;
        }
        try {
            var provider = services.signingKeys().provider();
            JWSVerifier verifier = key.get() instanceof ECKey ec
                    ? provider.use(new ECDSAVerifier(ec))
                    : provider.use(new RSASSAVerifier((RSAKey) key.get()));
            return jwt.verify(verifier);
        } catch (JOSEException e) {
            return false;
        }
    }

    private ProtocolError invalid(String description) {
        return ProtocolError.invalidToken(realm(), description);
    }

    private String realm() {
        return services.issuer();
    }
}
