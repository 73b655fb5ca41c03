package dev.twofold.store;

import java.util.List;

/**
 * An API that access tokens are issued for (an Auth0 "resource server"); {@code identifier}
 * is the {@code audience}. System resource servers (the MFA API, the Management API) are
 * created by Twofold and cannot be deleted.
 *
 * @param signingAlg {@code RS256} (default, as Auth0) or {@code ES256}
 * @param tokenLifetime access token lifetime in seconds
 */
public record ResourceServer(
        String id,
        String identifier,
        String name,
        String signingAlg,
        List<String> scopes,
        int tokenLifetime,
        boolean allowOfflineAccess,
        boolean system,
        long createdAt,
        long updatedAt) {
}
