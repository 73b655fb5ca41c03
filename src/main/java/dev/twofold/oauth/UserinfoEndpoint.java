package dev.twofold.oauth;

import dev.twofold.server.Cors;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET/POST /userinfo} (OIDC Core §5.3): the claims of the user an access token for
 * {@code {issuer}userinfo} was issued to, released by its scopes. Thread-safe.
 */
public final class UserinfoEndpoint {

    private final Services services;
    private final AccessTokenVerifier verifier;

    public UserinfoEndpoint(Services services, AccessTokenVerifier verifier) {
        this.services = services;
        this.verifier = verifier;
    }

    public void handle(Context context) {
        AccessTokenClaims claims = verifier.verifyBearer(context, services.issuer() + "userinfo");
        Cors.callingClient(context, claims.clientId());
        User user = services.users().find(claims.subject()).orElseThrow(() ->
                ProtocolError.invalidToken(services.issuer(), "The user of this access token"
                        + " no longer exists."));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sub", user.userId());
        body.putAll(UserClaims.of(user, claims.scopes()));

        context.header("Cache-Control", "no-store");
        context.json(body);
    }
}
