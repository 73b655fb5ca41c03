package dev.twofold.oauth.authorize;

import java.time.Instant;

/**
 * An authorization request waiting for the user on the hosted pages.
 *
 * @param id the random identifier the hosted pages carry in their forms
 * @param browserHash the SHA-256 of the browser cookie of the browser that started it; the
 *     hosted pages accept the request only from that browser (against login CSRF)
 */
public record PendingAuthorization(
        String id,
        AuthorizeRequest request,
        String browserHash,
        Instant createdAt,
        Instant expiresAt) {

    public String clientId() {
        return request.clientId();
    }
}
