package dev.twofold.management;

import dev.twofold.oauth.AccessTokenClaims;
import dev.twofold.oauth.AccessTokenVerifier;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the bearer access token of a Management API request (RFC 6750 §2.1): the oauth
 * module's verifier proves it is a valid access token for {@code {issuer}api/v2/}; this class
 * adds the scope the endpoint needs (403 {@code insufficient_scope}, RFC 6750 §3.1).
 * Thread-safe.
 */
final class ManagementAccess {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementAccess.class);

    private final Services services;
    private final AccessTokenVerifier verifier;

    ManagementAccess(Services services) {
        this.services = services;
        this.verifier = new AccessTokenVerifier(services);
    }

    /** Returns the token's claims, or throws 401 (no or bad token) or 403 (missing scope). */
    AccessTokenClaims require(Context context, String scope) {
        if (AccessTokenVerifier.bearerToken(context).isEmpty()) {
            throw ProtocolError.missingToken(services.issuer(),
                    AccessTokenVerifier.whyNoBearer(context)
                    + " Send Authorization: Bearer <access_token>, obtained from"
                    + " POST /oauth/token with grant_type=client_credentials and audience="
                    + services.managementAudience() + ".");
        }
        AccessTokenClaims claims = verifier.verifyBearer(context, services.managementAudience());
        if (!claims.hasScope(scope)) {
            LOG.debug("Management request refused: scope {} missing", scope);
            throw ProtocolError.insufficientScope(services.issuer(), scope, "This endpoint"
                    + " needs the scope " + scope + "; the access token has "
                    + claims.scopes() + ". Add " + scope + " to this client's grant for "
                    + services.managementAudience() + " (PATCH /api/v2/client-grants/{id}) and"
                    + " request a new token.");
        }
        return claims;
    }
}
