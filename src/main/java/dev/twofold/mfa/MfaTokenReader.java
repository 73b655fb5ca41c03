package dev.twofold.mfa;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.mfa.PresentedToken.LoginToken;
import dev.twofold.mfa.PresentedToken.MfaAccessToken;
import dev.twofold.oauth.Authentication;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recognises what was sent as an {@code mfa_token} or MFA bearer token (DESIGN §1.1–1.3):
 * an {@code mfa_token}, an access token for the MFA audience (accepted as a step-up), or
 * something else, in which case the refusal names what it is and how to get the right token
 * (BUG-01 part B). Thread-safe.
 */
public final class MfaTokenReader {

    private static final Logger LOG = LoggerFactory.getLogger(MfaTokenReader.class);
    private static final Map<String, String> OPAQUE_PREFIXES = Map.of(
            "rt_", "a refresh token (rt_…)",
            "ac_", "an authorization code (ac_…)",
            "oob_", "an oob_code (oob_…), which belongs in the oob_code parameter",
            "dt_", "a device token (dt_…)",
            "ses_", "a browser session cookie (ses_…)");

    private final Services services;
    private final MfaTransactionStore transactions;

    public MfaTokenReader(Services services, MfaTransactionStore transactions) {
        this.services = services;
        this.transactions = transactions;
    }

    /**
     * The MFA transaction behind an {@code mfa_token} parameter: the login transaction, or the
     * step-up transaction of an MFA-audience access token. Refusals are 400 {@code invalid_grant}.
     *
     * @param clientId the client making the request, when known
     */
    public MfaTransaction transaction(String raw, Optional<String> clientId) {
        PresentedToken token = read(raw, "mfa_token", clientId,
                ProtocolError::invalidGrant);
        return switch (token) {
            case LoginToken login -> login.transaction();
            case MfaAccessToken access -> stepUp(access.claims());
        };
    }

    /** The credential of an {@code Authorization: Bearer} header; refusals are 401. */
    public PresentedToken bearer(Optional<String> raw, Optional<String> clientId) {
        if (raw.isEmpty()) {
            throw ProtocolError.missingToken(services.issuer(), "Send Authorization: Bearer"
                    + " with the mfa_token from the mfa_required error of POST /oauth/token,"
                    + " or with an access token for audience " + services.mfaAudience() + ".");
        }
        return read(raw.get(), "The bearer token", clientId,
                description -> ProtocolError.invalidToken(services.issuer(), description));
    }

    /** The step-up transaction of an MFA-audience access token, created on first use. */
    public MfaTransaction stepUp(AccessTokenClaims claims) {
        Authentication authentication = new Authentication(claims.subject(), claims.clientId(),
                Optional.of(services.mfaAudience()), claims.scope(), claims.amr(),
                claims.acr(), claims.authTime(), Optional.empty());
        return transactions.stepUp(claims.jti(), authentication, claims.expiresAt());
    }

    private PresentedToken read(String raw, String label, Optional<String> clientId,
                                java.util.function.Function<String, ProtocolError> refusal) {
        try {
            PresentedToken token = recognise(raw.trim(), label);
            requireClient(token, label, clientId);
            return token;
        } catch (Refused refused) {
            LOG.debug("Refused an MFA credential: {}", refused.getMessage());
            throw refusal.apply(refused.getMessage());
        }
    }

    private PresentedToken recognise(String raw, String label) throws Refused {
        if (raw.startsWith("mfa_")) {
            return loginToken(raw, label);
        }
        Optional<String> opaque = OPAQUE_PREFIXES.keySet().stream().filter(raw::startsWith)
                .findFirst();
        if (opaque.isPresent()) {
            throw new Refused(label + " is " + OPAQUE_PREFIXES.get(opaque.get()) + ". "
                    + howToGet());
        }
        if (raw.chars().filter(c -> c == '.').count() == 2) {
            return jwt(raw, label);
        }
        throw new Refused(label + " is not a token issued by this server. " + howToGet());
    }

    private LoginToken loginToken(String raw, String label) throws Refused {
        MfaTransaction transaction = transactions.findByToken(raw).orElseThrow(() ->
                new Refused(label + " starts with mfa_ but is not an mfa_token issued by this"
                        + " server (mistyped, truncated, or from another server). Send it"
                        + " exactly as the mfa_required error of POST /oauth/token returned it."));
        Instant now = services.clock().instant();
        if (transaction.consumedAt().isPresent()) {
            throw new Refused(label + " was already used: tokens were issued from it at "
                    + transaction.consumedAt().get() + ", and an mfa_token is spent then. Log in"
                    + " again with POST /oauth/token to get a new mfa_token.");
        }
        if (!transaction.expiresAt().isAfter(now)) {
            throw new Refused(label + " is expired: it expired at " + transaction.expiresAt()
                    + " (an mfa_token lives 10 minutes). Log in again with POST /oauth/token"
                    + " to get a new mfa_token.");
        }
        return new LoginToken(transaction);
    }

    private PresentedToken jwt(String raw, String label) throws Refused {
        SignedJWT jwt = verifiedJwt(raw, label);
        JWTClaimsSet claims = claims(jwt, label);
        JOSEObjectType type = jwt.getHeader().getType();
        boolean accessToken = type != null && (type.getType().equalsIgnoreCase("at+jwt")
                || type.getType().equalsIgnoreCase("application/at+jwt"));
        if (!accessToken) {
            throw new Refused(label + " is an ID token (a JWT with typ " + type + "); an ID"
                    + " token tells the client who logged in and cannot authorize MFA. "
                    + howToGet());
        }
        List<String> audience = claims.getAudience();
        if (!audience.contains(services.mfaAudience())) {
            throw new Refused(label + " is an access token for audience "
                    + String.join(" ", audience) + ", not for the MFA API. Request an access"
                    + " token with audience=" + services.mfaAudience() + " (scopes enroll"
                    + " read:authenticators remove:authenticators), or send the mfa_token from"
                    + " the mfa_required error of POST /oauth/token.");
        }
        Instant expiresAt = instant(claims.getExpirationTime());
        if (!expiresAt.isAfter(services.clock().instant())) {
            throw new Refused(label + " is an access token for the MFA API that expired at "
                    + expiresAt + ". Get a fresh one (log in again asking for audience="
                    + services.mfaAudience() + "), or send the mfa_token from the"
                    + " mfa_required error of POST /oauth/token.");
        }
        AccessTokenClaims access = accessClaims(claims, label);
        requireNotRevoked(access, label);
        return new MfaAccessToken(access);
    }

    private SignedJWT verifiedJwt(String raw, String label) throws Refused {
        Refused notOurs = new Refused(label + " is a JWT that this server did not sign (or it"
                + " was altered). " + howToGet());
        try {
            SignedJWT jwt = SignedJWT.parse(raw);
            Optional<JWK> key = Optional.ofNullable(jwt.getHeader().getKeyID())
                    .flatMap(services.signingKeys()::publicKey);
            if (key.isEmpty() || !jwt.verify(verifier(key.get()))) {
                throw notOurs;
            }
            return jwt;
        } catch (ParseException | JOSEException | IllegalStateException e) {
            throw new Refused(label + " is not a token issued by this server. " + howToGet());
        }
    }

    private static JWSVerifier verifier(JWK key) throws JOSEException {
        if (key instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        if (key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        throw new JOSEException("Unsupported key type");
    }

    private static JWTClaimsSet claims(SignedJWT jwt, String label) throws Refused {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new Refused(label + " is a JWT whose claims cannot be read.");
        }
    }

    private AccessTokenClaims accessClaims(JWTClaimsSet claims, String label) throws Refused {
        try {
            String scope = Optional.ofNullable(claims.getStringClaim("scope")).orElse("");
            Set<String> scopes = scope.isBlank() ? Set.of()
                    : new LinkedHashSet<>(List.of(scope.trim().split(" +")));
            List<String> amr = Optional.ofNullable(claims.getStringListClaim("amr"))
                    .orElse(List.of());
            Long authTime = claims.getLongClaim("auth_time");
            String clientId = Optional.ofNullable(claims.getStringClaim("client_id"))
                    .orElse(claims.getStringClaim("azp"));
            if (claims.getJWTID() == null || claims.getSubject() == null || clientId == null) {
                throw new Refused(label + " is an access token without jti, sub or client_id.");
            }
            return new AccessTokenClaims(claims.getJWTID(), claims.getSubject(), clientId,
                    claims.getAudience(), scopes, amr,
                    Optional.ofNullable(claims.getStringClaim("acr")),
                    authTime == null ? instant(claims.getIssueTime())
                            : Instant.ofEpochSecond(authTime),
                    instant(claims.getExpirationTime()),
                    Optional.ofNullable(claims.getStringClaim("sid")));
        } catch (ParseException e) {
            throw new Refused(label + " is an access token with malformed claims.");
        }
    }

    private void requireNotRevoked(AccessTokenClaims access, String label) throws Refused {
        int revoked = services.database().withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM revocations WHERE subject IN (:jti, :sid)")
                .bind("jti", access.jti()).bind("sid", access.sessionId().orElse(access.jti()))
                .mapTo(Integer.class).one());
        if (revoked > 0 || services.users().find(access.subject()).isEmpty()) {
            throw new Refused(label + " is an access token that was revoked. Log in again"
                    + " to get a new one.");
        }
    }

    private static void requireClient(PresentedToken token, String label,
                                      Optional<String> clientId) throws Refused {
        if (clientId.isPresent() && !clientId.get().equals(token.clientId())) {
            throw new Refused(label + " was issued to another client, not to client "
                    + clientId.get() + ". Use the mfa_token or MFA access token that this"
                    + " client received from its own POST /oauth/token request.");
        }
    }

    private String howToGet() {
        return "Send the mfa_token from the mfa_required error of POST /oauth/token, or an"
                + " access token for audience " + services.mfaAudience()
                + " issued to this client for the same user.";
    }

    private static Instant instant(Date date) {
        return date == null ? Instant.EPOCH : date.toInstant();
    }

    /** A recognised credential that cannot be used here; the message is the description. */
    private static final class Refused extends Exception {
        Refused(String description) {
            super(description, null, false, false);
        }
    }
}
