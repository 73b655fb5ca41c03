package dev.twofold.oauth;

import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import io.javalin.http.Context;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth/revoke} (RFC 7009): a refresh token revokes its whole family and the
 * access tokens minted from it; an access token is revoked by its {@code jti}. An unknown or
 * invalid token is answered 200, as §2.2 requires. Thread-safe.
 */
public final class RevocationEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationEndpoint.class);

    private final Services services;
    private final ClientAuthenticator clientAuthenticator;
    private final RefreshTokenStore refreshTokens;
    private final RefreshTokenGrant refreshGrant;
    private final Revocations revocations;
    private final AccessTokenVerifier verifier;

    public RevocationEndpoint(Services services, ClientAuthenticator clientAuthenticator,
                              RefreshTokenStore refreshTokens, RefreshTokenGrant refreshGrant,
                              Revocations revocations, AccessTokenVerifier verifier) {
        this.services = services;
        this.clientAuthenticator = clientAuthenticator;
        this.refreshTokens = refreshTokens;
        this.refreshGrant = refreshGrant;
        this.revocations = revocations;
        this.verifier = verifier;
    }

    public void handle(Context context) {
        TokenEndpoint.noStore(context);
        Params params = Params.fromBody(context).requireNoRepeats();
        String token = params.required("token");
        Client client = clientAuthenticator.authenticate(context, params);

        if (token.startsWith("rt_")) {
            revokeRefreshToken(token, client);
        } else {
            revokeAccessToken(token, client);
        }

        context.status(200);
    }

    private void revokeRefreshToken(String token, Client client) {
        Optional<RefreshTokenStore.Stored> stored = refreshTokens.find(token);
        if (stored.isEmpty()) {
            return;
        }
        checkOwner(stored.get().clientId(), client);
        refreshGrant.revokeFamily(stored.get().familyId());
        LOG.debug("Client {} revoked a refresh-token family", client.clientId());
    }

    private void revokeAccessToken(String token, Client client) {
        AccessTokenVerifier.Inspection inspection;
        try {
            inspection = verifier.inspect(token);
        } catch (ProtocolError notAnAccessToken) {
            return;
        }
        if (!inspection.signatureValid() || inspection.expired()) {
            return;
        }
        AccessTokenClaims claims = inspection.claims().orElseThrow();
        checkOwner(claims.clientId(), client);
        long now = services.clock().millis();
        services.database().inTransaction(handle -> {
            revocations.revoke(handle, claims.jti(), now, claims.expiresAt().toEpochMilli());
            return null;
        });
    }

    private static void checkOwner(String ownerClientId, Client client) {
        if (!ownerClientId.equals(client.clientId())) {
            // RFC 7009 §2.1: a client may only revoke its own tokens.
            throw ProtocolError.unauthorizedClient("The token was issued to another client;"
                    + " a client can only revoke its own tokens.");
        }
    }
}
