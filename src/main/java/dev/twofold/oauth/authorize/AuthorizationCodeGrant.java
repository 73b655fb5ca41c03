package dev.twofold.oauth.authorize;

import com.nimbusds.jwt.SignedJWT;
import dev.twofold.oauth.Grant;
import dev.twofold.oauth.TokenKinds;
import dev.twofold.oauth.TokenRequest;
import dev.twofold.oauth.TokenResponse;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import java.text.ParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code grant_type=authorization_code} (RFC 6749 §4.1.3, RFC 7636 §4.5–4.6). The code is
 * spent before anything else is checked, so a failed check (a wrong code verifier above all)
 * costs the code: guessing verifiers is not possible. Thread-safe.
 */
public final class AuthorizationCodeGrant implements Grant {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationCodeGrant.class);

    private final Services services;
    private final AuthorizationCodeStore codes;

    public AuthorizationCodeGrant(Services services, AuthorizationCodeStore codes) {
        this.services = services;
        this.codes = codes;
    }

    @Override
    public String grantType() {
        return "authorization_code";
    }

    @Override
    public TokenResponse handle(TokenRequest request) {
        Params params = request.params();
        String code = codeOf(params);

        IssuedCode issued = spend(code);
        checkClient(issued, request);
        checkRedirectUri(issued, params);
        checkCodeVerifier(issued, params);

        TokenResponse response = services.tokenIssuer().issue(issued.authentication());
        tokenFamily(response).ifPresent(family -> codes.recordTokenFamily(issued, family));
        return response;
    }

    private static String codeOf(Params params) {
        String code = params.single("code").orElseThrow(() -> ProtocolError.invalidRequest(
                "code is missing; send the code from the redirect of GET /authorize."));
        if (!code.startsWith("ac_")) {
            String kind = TokenKinds.kind(code);
            throw ProtocolError.invalidGrant("code is " + (kind != null ? kind + ", " : "")
                    + "not an authorization code (those start with ac_); send the code"
                    + " parameter of the redirect to your redirect URI.");
        }
        return code;
    }

    private IssuedCode spend(String code) {
        return switch (codes.redeem(code)) {
            case AuthorizationCodeStore.Redemption.Spent spent -> spent.code();
            case AuthorizationCodeStore.Redemption.Expired expired ->
                    throw ProtocolError.invalidGrant("The authorization code expired (codes"
                            + " live " + AuthorizationCodeStore.LIFETIME.toSeconds()
                            + " seconds); exchange it right after the redirect.");
            case AuthorizationCodeStore.Redemption.Unknown unknown ->
                    throw ProtocolError.invalidGrant("The authorization code is not known;"
                            + " send the code from the latest redirect, unchanged.");
            case AuthorizationCodeStore.Redemption.Replayed replayed -> throw replay(replayed);
        };
    }

    private ProtocolError replay(AuthorizationCodeStore.Redemption.Replayed replayed) {
        boolean revoked = codes.revokeTokensOf(replayed.code());
        LOG.warn("Authorization code of client {} was used again; tokens from it: {}",
                replayed.code().clientId(), revoked ? "are revoked" : "none were issued");
        return ProtocolError.invalidGrant("The authorization code was already used; a code is"
                + " single-use, so the tokens issued from it are revoked. Start a new"
                + " authorization request.");
    }

    private static void checkClient(IssuedCode issued, TokenRequest request) {
        if (!issued.clientId().equals(request.client().clientId())) {
            throw ProtocolError.invalidGrant("The authorization code was issued to another"
                    + " client; exchange it with the client_id that sent the authorization"
                    + " request.");
        }
    }

    /** RFC 6749 §4.1.3: the redirect URI must be identical to the authorization request's. */
    private static void checkRedirectUri(IssuedCode issued, Params params) {
        Optional<String> redirectUri = params.single("redirect_uri");
        if (redirectUri.isEmpty()) {
            throw ProtocolError.invalidGrant("redirect_uri is missing; send the same"
                    + " redirect_uri as in the authorization request.");
        }
        if (!redirectUri.get().equals(issued.redirectUri())) {
            throw ProtocolError.invalidGrant("redirect_uri differs from the one in the"
                    + " authorization request; send exactly the same value.");
        }
    }

    /** RFC 7636 §4.5–4.6, and no verifier without a challenge (a PKCE downgrade). */
    private static void checkCodeVerifier(IssuedCode issued, Params params) {
        Optional<String> verifier = params.single("code_verifier");
        if (issued.codeChallenge().isEmpty()) {
            if (verifier.isPresent()) {
                throw ProtocolError.invalidGrant("code_verifier was sent, but the"
                        + " authorization request had no code_challenge; send both or neither.");
            }
            return;
        }
        if (verifier.isEmpty()) {
            throw ProtocolError.invalidGrant("code_verifier is missing; the authorization"
                    + " request had a code_challenge, so send the code_verifier it came from.");
        }
        checkVerifier(verifier.get(), issued.codeChallenge().get());
    }

    private static void checkVerifier(String verifier, String challenge) {
        if (!Pkce.isWellFormedVerifier(verifier)) {
            throw ProtocolError.invalidGrant("code_verifier has " + verifier.length()
                    + " characters or characters outside A-Z a-z 0-9 - . _ ~; RFC 7636 §4.1"
                    + " requires 43 to 128 of them. The code is spent; start again with a"
                    + " valid verifier.");
        }
        if (!Pkce.verifierMatches(verifier, challenge)) {
            throw ProtocolError.invalidGrant("code_verifier does not match the code_challenge:"
                    + " BASE64URL(SHA256(code_verifier)) must equal it (RFC 7636 §4.6). The"
                    + " code is spent; start again.");
        }
    }

    private static Optional<String> tokenFamily(TokenResponse response) {
        try {
            return Optional.ofNullable(SignedJWT.parse(response.accessToken())
                    .getJWTClaimsSet().getStringClaim("sid"));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }
}
