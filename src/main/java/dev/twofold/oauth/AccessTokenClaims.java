package dev.twofold.oauth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The claims of a Twofold access token (RFC 9068 §2.2).
 *
 * @param sid the refresh-token family or login the token came from
 */
public record AccessTokenClaims(
        String issuer,
        String subject,
        String clientId,
        List<String> audience,
        Set<String> scopes,
        List<String> amr,
        Optional<String> acr,
        Optional<Instant> authTime,
        Instant issuedAt,
        Instant expiresAt,
        String jti,
        Optional<String> sid) {

    public AccessTokenClaims {
        audience = List.copyOf(audience);
        scopes = Set.copyOf(scopes);
        amr = List.copyOf(amr);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
