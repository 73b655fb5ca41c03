package dev.twofold.mfa;

import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import java.util.Optional;

/**
 * The client check of the {@code /mfa/*} endpoints: {@code client_id} and
 * {@code client_secret} are optional there (Auth0's SDKs send them inconsistently), but when
 * present they must be right. Thread-safe.
 */
public final class ClientCheck {

    private final Services services;

    public ClientCheck(Services services) {
        this.services = services;
    }

    /** The client named by {@code client_id}, authenticated when a secret is sent. */
    public Optional<Client> optionalClient(Params params) {
        Optional<String> clientId = params.single("client_id");
        if (clientId.isEmpty()) {
            return Optional.empty();
        }
        Client client = services.clients().find(clientId.get()).orElseThrow(() ->
                ProtocolError.invalidClient("client_id names no client of this server. Send"
                        + " the client_id of your application.", "Bearer"));
        Optional<String> secret = params.single("client_secret");
        if (secret.isPresent() && !matches(client, secret.get())) {
            throw ProtocolError.invalidClient("client_secret is wrong for client "
                    + client.clientId() + ". Send the secret shown when the client was"
                    + " created, or omit it.", "Bearer");
        }
        return Optional.of(client);
    }

    private boolean matches(Client client, String secret) {
        return client.secretHash()
                .map(hash -> services.clientSecrets().verify(client.clientId(), secret, hash))
                .orElse(false);
    }
}
