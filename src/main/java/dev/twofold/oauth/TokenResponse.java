package dev.twofold.oauth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A successful token response (RFC 6749 §5.1). {@code extra} carries fields some grants add,
 * such as the new {@code recovery_code} of the recovery-code grant. {@code subject} is the
 * {@code sub} of the access token (a user id, or {@code client_id@clients}); it is not sent.
 */
public record TokenResponse(
        String accessToken,
        long expiresIn,
        String scope,
        Optional<String> idToken,
        Optional<String> refreshToken,
        Map<String, Object> extra,
        String subject) {

    public TokenResponse {
        extra = Map.copyOf(extra);
    }

    public TokenResponse withExtra(String name, Object value) {
        Map<String, Object> all = new LinkedHashMap<>(extra);
        all.put(name, value);
        return new TokenResponse(accessToken, expiresIn, scope, idToken, refreshToken, all,
                subject);
    }

    /** The JSON body, fields named as RFC 6749 §5.1 and OIDC Core §3.1.3.3 name them. */
    public Map<String, Object> toJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        refreshToken.ifPresent(token -> body.put("refresh_token", token));
        idToken.ifPresent(token -> body.put("id_token", token));
        if (!scope.isEmpty()) {
            body.put("scope", scope);
        }
        body.put("expires_in", expiresIn);
        body.put("token_type", "Bearer");
        body.putAll(extra);
        return body;
    }
}
