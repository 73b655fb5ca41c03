package dev.twofold.oauth.authorize;

import dev.twofold.oauth.Authentication;
import java.time.Instant;
import java.util.Optional;

/**
 * What an authorization code is bound to (RFC 6749 §4.1.3, RFC 7636 §4.4): the client, the
 * redirect URI, the PKCE challenge, and the authentication to issue tokens for.
 *
 * @param tokenFamily the {@code sid} of the tokens issued from it, once issued
 * @param usedAt when it was spent; empty while unspent
 */
public record IssuedCode(
        String codeHash,
        String redirectUri,
        Optional<String> codeChallenge,
        Authentication authentication,
        Instant expiresAt,
        Optional<String> tokenFamily,
        Optional<Instant> usedAt) {

    public String clientId() {
        return authentication.clientId();
    }
}
