package dev.twofold.mfa;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import dev.twofold.mfa.PresentedToken.LoginToken;
import dev.twofold.mfa.PresentedToken.MfaAccessToken;
import dev.twofold.oauth.AccessTokenClaims;
import dev.twofold.oauth.AccessTokenVerifier;
import dev.twofold.oauth.Authentication;
import dev.twofold.oauth.JwtTokenIssuer;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
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
    private final AccessTokenVerifier verifier;

    public MfaTokenReader(Services services, MfaTransactionStore transactions) {
        this.services = services;
        this.transactions = transactions;
        this.verifier = new AccessTokenVerifier(services);
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

    /**
     * The body's {@code mfa_token}; missing, it is refused saying where to get one and, when
     * the client put a token in the {@code Authorization} header instead, that it goes in the
     * body on this endpoint.
     */
    public String requiredToken(Params params, boolean bearerHeaderSent) {
        return params.single("mfa_token").orElseThrow(() -> ProtocolError.invalidRequest(
                "Missing required parameter: mfa_token. " + howToGet()
                        + (bearerHeaderSent ? " It goes in the request body as mfa_token; this"
                        + " endpoint does not read the Authorization: Bearer header." : "")));
    }

    /** The credential of the request's {@code Authorization: Bearer} header; refusals are 401. */
    public PresentedToken bearer(Context context, Optional<String> clientId) {
        Optional<String> raw = Bearer.token(context);
        if (raw.isEmpty()) {
            throw ProtocolError.missingToken(services.issuer(),
                    AccessTokenVerifier.whyNoBearer(context) + " Send Authorization: Bearer"
                    + " with the mfa_token from the mfa_required error of POST /oauth/token,"
                    + " or with an access token for audience " + services.mfaAudience() + ".");
        }
        return bearer(raw, clientId);
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
                Optional.of(services.mfaAudience()), claims.scopes(), claims.amr(),
                claims.acr(), claims.authTime().orElse(claims.issuedAt()), Optional.empty());
        return transactions.stepUp(claims.jti(), authentication, claims.expiresAt());
    }

    private PresentedToken read(String raw, String label, Optional<String> clientId,
                                Function<String, ProtocolError> refusal) {
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
        JOSEObjectType type = header(raw, label).getType();
        if (!JwtTokenIssuer.ACCESS_TOKEN_TYPE.equals(type)) {
            throw new Refused(label + " is an ID token (a JWT with typ " + type + "); an ID"
                    + " token tells the client who logged in and cannot authorize MFA. "
                    + howToGet());
        }
        AccessTokenVerifier.Inspection inspection = inspect(raw, label);
        AccessTokenClaims claims = inspection.claims().orElseThrow();
        if (!inspection.signatureValid()) {
            throw new Refused(label + " is a JWT that this server did not sign (or it was"
                    + " altered). " + howToGet());
        }
        if (!claims.audience().contains(services.mfaAudience())) {
            throw new Refused(label + " is an access token for audience "
                    + String.join(" ", claims.audience()) + ", not for the MFA API. Request an"
                    + " access token with audience=" + services.mfaAudience() + " (scopes"
                    + " enroll read:authenticators remove:authenticators), or send the"
                    + " mfa_token from the mfa_required error of POST /oauth/token.");
        }
        if (inspection.expired()) {
            throw new Refused(label + " is an access token for the MFA API that expired at "
                    + claims.expiresAt() + ". Get a fresh one (log in again asking for"
                    + " audience=" + services.mfaAudience() + "), or send the mfa_token from"
                    + " the mfa_required error of POST /oauth/token.");
        }
        if (inspection.revoked() || services.users().find(claims.subject()).isEmpty()) {
            throw new Refused(label + " is an access token that was revoked. Log in again"
                    + " to get a new one.");
        }
        return new MfaAccessToken(claims);
    }

    private JWSHeader header(String raw, String label) throws Refused {
        try {
            return JWSHeader.parse(Base64URL.from(raw.substring(0, raw.indexOf('.'))));
        } catch (ParseException e) {
            throw new Refused(label + " is not a token issued by this server. " + howToGet());
        }
    }

    private AccessTokenVerifier.Inspection inspect(String raw, String label) throws Refused {
        try {
            return verifier.inspect(raw);
        } catch (ProtocolError error) {
            // The verifier words its refusals for a bearer header; keep what it found.
            throw new Refused(label + ": " + error.description() + " " + howToGet());
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

    /** A recognised credential that cannot be used here; the message is the description. */
    private static final class Refused extends Exception {
        Refused(String description) {
            super(description, null, false, false);
        }
    }
}
