package dev.twofold.ops;

import dev.twofold.oauth.AccessTokenClaims;
import dev.twofold.oauth.AccessTokenVerifier;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.util.TreeSet;

/**
 * The bearer check of the log endpoints: a Management API access token (verified by the oauth
 * module's {@link AccessTokenVerifier}) whose scope includes the one the endpoint needs.
 */
// Interim: replace with the management module's shared bearer check once it is on main.
final class LogsAccess {

    private final Services services;
    private final AccessTokenVerifier verifier;

    LogsAccess(Services services) {
        this.services = services;
        this.verifier = new AccessTokenVerifier(services);
    }

    /** Refuses the request unless it carries a valid token with {@code scope}. */
    void require(Context context, String scope) {
        AccessTokenClaims claims = verifier.verifyBearer(context, services.managementAudience());
        if (!claims.hasScope(scope)) {
            throw ProtocolError.insufficientScope(services.managementAudience(), scope,
                    "The access token's scope is '" + String.join(" ",
                            new TreeSet<>(claims.scopes())) + "'; this endpoint needs '" + scope
                            + "'. Add it to the client grant of the Management API and request"
                            + " a new token.");
        }
    }
}
