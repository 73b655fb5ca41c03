package dev.twofold.oauth;

import dev.twofold.crypto.PasswordHasher;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Cors;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the client of a token, revocation or introspection request (RFC 6749 §2.3):
 * {@code client_secret_basic}, {@code client_secret_post}, or {@code none} for a public
 * client. Unknown clients and wrong secrets get the same answer after the same work, so the
 * answer does not tell whether a client exists. An {@code Authorization: Bearer} header is
 * ignored, because Auth0's samples send one to the token endpoint. Thread-safe.
 */
public final class ClientAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(ClientAuthenticator.class);

    private final Services services;
    private volatile String dummyHash;

    public ClientAuthenticator(Services services) {
        this.services = services;
    }

    /** Credentials as the request carried them. */
    private record Credentials(String clientId, Optional<String> secret) {
    }

    /** The authenticated client; throws 401 {@code invalid_client} or 400. */
    public Client authenticate(Context context, Params params) {
        Client client = check(context, params);
        Cors.callingClient(context, client.clientId());
        return client;
    }

    private Client check(Context context, Params params) {
        Credentials credentials = credentials(context, params);
        Optional<Client> client = services.clients().find(credentials.clientId());
        if (credentials.secret().isEmpty()) {
            return publicClient(client, credentials.clientId());
        }
        boolean matches = services.clientSecrets().verify(credentials.clientId(),
                credentials.secret().get(),
                client.flatMap(Client::secretHash).orElseGet(this::dummyHash));
        if (client.isEmpty() || client.get().secretHash().isEmpty() || !matches) {
            LOG.debug("Client authentication failed for a presented client_id");
            throw failed();
        }
        return client.get();
    }

    private Client publicClient(Optional<Client> client, String clientId) {
        if (client.isPresent() && client.get().isPublic()) {
            return client.get();
        }
        // Same work as a secret check, so timing does not tell unknown from confidential.
        services.passwords().verify("", dummyHash());
        throw ProtocolError.invalidClient("Client authentication failed: client " + clientId
                + " is unknown or needs its client_secret. Send client_id and client_secret in"
                + " the body or as HTTP Basic; public clients send only client_id.",
                challenge());
    }

    private Credentials credentials(Context context, Params params) {
        Optional<Credentials> basic = basic(context.header("Authorization"));
        Optional<String> bodyId = params.single("client_id");
        Optional<String> bodySecret = params.single("client_secret");
        if (basic.isPresent()) {
            if (bodySecret.isPresent()) {
                throw ProtocolError.invalidRequest("The client sent credentials both as HTTP"
                        + " Basic and as client_secret in the body; use one method"
                        + " (RFC 6749 §2.3).");
            }
            if (bodyId.isPresent() && !bodyId.get().equals(basic.get().clientId())) {
                throw ProtocolError.invalidRequest("client_id in the body does not match the"
                        + " client_id of the HTTP Basic credentials.");
            }
            return basic.get();
        }
        String clientId = bodyId.orElseThrow(() -> ProtocolError.invalidClient(
                notBasic(context.header("Authorization")) + "Send client_id (and client_secret"
                        + " for a confidential client) in the body, or use HTTP Basic.",
                challenge()));
        return new Credentials(clientId, bodySecret);
    }

    /**
     * The first sentence of the refusal when no client credentials were found: an
     * Authorization header of another scheme (a Bearer token sent to the token endpoint) is
     * named by its scheme only.
     */
    private static String notBasic(String header) {
        if (header == null || header.isBlank()) {
            return "No client authentication was sent. ";
        }
        String[] parts = header.strip().split("[ \t]+", 2);
        if (parts[0].equalsIgnoreCase("Basic")) {
            return "No client authentication was sent: the Authorization: Basic header holds no"
                    + " credentials. ";
        }
        String scheme = parts.length == 2 && parts[0].matches("[A-Za-z0-9._~+/-]{1,20}")
                ? " but " + parts[0] : "";
        return "No client authentication was sent: the Authorization header is not HTTP Basic"
                + scheme + ", and a token does not authenticate a client. ";
    }

    private Optional<Credentials> basic(String header) {
        if (header == null || header.length() < 6
                || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformedBasic();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw malformedBasic();
        }
        // RFC 6749 §2.3.1: both parts are form-urlencoded before Base64.
        String clientId = formDecode(decoded.substring(0, colon));
        String secret = formDecode(decoded.substring(colon + 1));
        if (clientId.indexOf('\0') >= 0 || secret.indexOf('\0') >= 0) {
            // Like every other parameter (Params); PostgreSQL text cannot hold NUL either.
            throw ProtocolError.invalidClient("The Authorization: Basic credentials hold a NUL"
                    + " character (%00 or a zero byte); send client_id and client_secret as"
                    + " the application's settings show them.", challenge());
        }
        return Optional.of(new Credentials(clientId, Optional.of(secret)
                .filter(value -> !value.isEmpty())));
    }

    private static String formDecode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    private ProtocolError malformedBasic() {
        return ProtocolError.invalidClient("The Authorization: Basic header is not"
                + " base64(client_id:client_secret).", challenge());
    }

    private ProtocolError failed() {
        return ProtocolError.invalidClient("Client authentication failed: the client_id is"
                + " unknown or the client_secret is wrong. Check both in the application's"
                + " settings.", challenge());
    }

    /** The challenge of every {@code invalid_client} answer, whatever method was used. */
    public String challenge() {
        return "Basic realm=\"" + services.issuer() + "\", charset=\"UTF-8\"";
    }

    private String dummyHash() {
        String hash = dummyHash;
        if (hash == null) {
            PasswordHasher hasher = services.passwords();
            hash = hasher.hash(Randoms.urlSafe(24));
            dummyHash = hash;
        }
        return hash;
    }
}
