package dev.twofold.mfa;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The claims of a verified access token (RFC 9068) that the MFA API relies on.
 *
 * @param audience every {@code aud} value
 */
public record AccessTokenClaims(
        String jti,
        String subject,
        String clientId,
        List<String> audience,
        Set<String> scope,
        List<String> amr,
        Optional<String> acr,
        Instant authTime,
        Instant expiresAt,
        Optional<String> sessionId) {

    public AccessTokenClaims {
        audience = List.copyOf(audience);
        scope = Set.copyOf(scope);
        amr = List.copyOf(amr);
    }

    public boolean hasScope(String name) {
        return scope.contains(name);
    }

    /** Whether the login behind the token passed a second factor. */
    public boolean passedMfa() {
        return amr.contains("mfa");
    }
}
