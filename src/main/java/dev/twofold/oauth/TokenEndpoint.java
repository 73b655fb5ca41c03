package dev.twofold.oauth;

import dev.twofold.server.ClientIp;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth/token} (RFC 6749 §3.2): parse the body, authenticate the client, find
 * the grant, check the client may use it, run it, answer. Thread-safe.
 */
public final class TokenEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);

    private final Services services;
    private final ClientAuthenticator clientAuthenticator;

    public TokenEndpoint(Services services, ClientAuthenticator clientAuthenticator) {
        this.services = services;
        this.clientAuthenticator = clientAuthenticator;
    }

    public void handle(Context context) {
        Params params = Params.fromBody(context).requireNoRepeats();
        String grantType = params.required("grant_type");
        Client client = clientAuthenticator.authenticate(context, params);
        Grant grant = grant(grantType);
        checkClientMayUse(client, grantType);

        TokenResponse response = grant.handle(new TokenRequest(params, client,
                ClientIp.of(context)));

        noStore(context);
        context.json(response.toJson());
    }

    private Grant grant(String grantType) {
        return services.grant(grantType).orElseThrow(() -> ProtocolError.unsupportedGrantType(
                "grant_type " + grantType + " is not supported. Supported: "
                        + String.join(", ", Discovery.GRANT_TYPES) + "."));
    }

    private static void checkClientMayUse(Client client, String grantType) {
        if (!client.allowsGrant(grantType)) {
            LOG.debug("Client {} may not use grant {}", client.clientId(), grantType);
            throw ProtocolError.unauthorizedClient("Client " + client.clientId()
                    + " may not use grant_type " + grantType + ". Enable the grant in the"
                    + " application's grant_types.");
        }
    }

    /** RFC 6749 §5.1: token responses must not be cached. */
    static void noStore(Context context) {
        context.header("Cache-Control", "no-store");
        context.header("Pragma", "no-cache");
    }
}
