package dev.twofold.oauth;

import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import dev.twofold.store.JsonColumns;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code grant_type=client_credentials} (RFC 6749 §4.4): a token for an API that a client
 * grant lets this client call, with the requested scopes the grant covers (all of them when
 * none are requested). No refresh token, no ID token. Thread-safe.
 */
public final class ClientCredentialsGrant implements Grant {

    private final Services services;
    private final Audiences audiences;

    public ClientCredentialsGrant(Services services, Audiences audiences) {
        this.services = services;
        this.audiences = audiences;
    }

    @Override
    public String grantType() {
        return "client_credentials";
    }

    @Override
    public TokenResponse handle(TokenRequest request) {
        Client client = request.client();
        requireConfidential(client);
        String audience = Audiences.requested(request.params()).orElseThrow(() ->
                ProtocolError.invalidRequest("client_credentials needs an audience: the"
                        + " identifier of the API the token is for."));
        audiences.resolve(Optional.of(audience));
        Set<String> granted = clientGrantScopes(client.clientId(), audience);

        Set<String> scope = scope(granted,
                Audiences.parseScope(request.params().single("scope")));

        return services.tokenIssuer().issue(new Authentication(client.clientId() + "@clients",
                client.clientId(), Optional.of(audience), scope, List.of(), Optional.empty(),
                services.clock().instant(), Optional.empty()));
    }

    private static void requireConfidential(Client client) {
        if (client.isPublic()) {
            throw ProtocolError.unauthorizedClient("Client " + client.clientId() + " is a"
                    + " public client; client_credentials needs a client with a secret.");
        }
    }

    /** The grant's scopes, unmodifiable, kept parsed in the read cache. */
    private Set<String> clientGrantScopes(String clientId, String audience) {
        Optional<Set<String>> scopes = services.database().readCache().get(
                "grant:" + clientId + "\n" + audience, () -> services.database().withHandle(
                        handle -> handle.createQuery("SELECT scope FROM client_grants"
                                        + " WHERE client_id = :client AND audience = :audience")
                                .bind("client", clientId).bind("audience", audience)
                                .mapTo(String.class).findOne())
                        .map(ClientCredentialsGrant::parseScopes));
        return scopes.orElseThrow(() -> ProtocolError.accessDenied("Client "
                + clientId + " is not authorized to access " + audience + ". Create a client"
                + " grant for this client and API (POST /api/v2/client-grants)."));
    }

    private static Set<String> parseScopes(String stored) {
        // The column holds a JSON array; a space-separated list is read too.
        return Collections.unmodifiableSet(stored.trim().startsWith("[")
                ? new LinkedHashSet<>(JsonColumns.strings(stored))
                : Audiences.parseScope(Optional.of(stored)));
    }

    private static Set<String> scope(Set<String> granted, Set<String> requested) {
        if (requested.isEmpty()) {
            return granted;
        }
        Set<String> scope = new LinkedHashSet<>(requested);
        scope.retainAll(granted);
        return scope;
    }
}
