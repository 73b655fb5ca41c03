package dev.twofold.oauth;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * What an access token may be issued for: a resource server's identifier with the settings
 * that shape its tokens, or the default audience (only the userinfo endpoint).
 *
 * @param identifier the {@code audience} value; empty for the default audience
 * @param signingAlg {@code RS256} or {@code ES256}
 * @param scopes the scopes the resource server defines (beyond the OIDC ones)
 */
public record Audience(
        Optional<String> identifier,
        String signingAlg,
        Set<String> scopes,
        Duration tokenLifetime,
        boolean allowOfflineAccess) {

    public Audience {
        scopes = Set.copyOf(scopes);
    }
}
