package dev.twofold.oauth;

import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /oauth/introspect} (RFC 7662): for a confidential client, whether a token is
 * active and what it grants. Revoked, expired, unknown and malformed tokens are all
 * {@code {"active":false}} (§2.2). A refresh token is described only to its own client.
 * Thread-safe.
 */
public final class IntrospectionEndpoint {

    private final Services services;
    private final ClientAuthenticator clientAuthenticator;
    private final RefreshTokenStore refreshTokens;
    private final AccessTokenVerifier verifier;

    public IntrospectionEndpoint(Services services, ClientAuthenticator clientAuthenticator,
                                 RefreshTokenStore refreshTokens, AccessTokenVerifier verifier) {
        this.services = services;
        this.clientAuthenticator = clientAuthenticator;
        this.refreshTokens = refreshTokens;
        this.verifier = verifier;
    }

    public void handle(Context context) {
        TokenEndpoint.noStore(context);
        Params params = Params.fromBody(context).requireNoRepeats();
        String token = params.required("token");
        Client client = requireConfidential(clientAuthenticator.authenticate(context, params));

        Map<String, Object> answer = token.startsWith("rt_")
                ? refreshToken(token, client) : accessToken(token);

        context.json(answer);
    }

    private Client requireConfidential(Client client) {
        if (client.isPublic()) {
            throw ProtocolError.invalidClient("Introspection needs a confidential client"
                    + " (one with a client_secret); " + client.clientId() + " is public.",
                    clientAuthenticator.challenge());
        }
        return client;
    }

    private static Map<String, Object> inactive() {
        return Map.of("active", false);
    }

    private Map<String, Object> accessToken(String token) {
        AccessTokenVerifier.Inspection inspection;
        try {
            inspection = verifier.inspect(token);
        } catch (ProtocolError notAnAccessToken) {
            return inactive();
        }
        if (!inspection.signatureValid() || inspection.expired() || inspection.revoked()) {
            return inactive();
        }
        AccessTokenClaims claims = inspection.claims().orElseThrow();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", true);
        answer.put("token_type", "access_token");
        answer.put("scope", String.join(" ", claims.scopes().stream().sorted().toList()));
        answer.put("client_id", claims.clientId());
        answer.put("sub", claims.subject());
        answer.put("aud", claims.audience());
        answer.put("iss", claims.issuer());
        answer.put("exp", claims.expiresAt().getEpochSecond());
        answer.put("iat", claims.issuedAt().getEpochSecond());
        answer.put("jti", claims.jti());
        claims.sid().ifPresent(sid -> answer.put("sid", sid));
        return answer;
    }

    private Map<String, Object> refreshToken(String token, Client client) {
        Optional<RefreshTokenStore.Stored> stored = refreshTokens.find(token)
                .filter(found -> found.clientId().equals(client.clientId()))
                .filter(found -> found.rotatedAt().isEmpty() && found.revokedAt().isEmpty()
                        && !found.familyRevoked())
                .filter(found -> services.clock().millis() < found.expiresAt());
        if (stored.isEmpty()) {
            return inactive();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", true);
        answer.put("token_type", "refresh_token");
        answer.put("scope", String.join(" ",
                stored.get().details().scope().stream().sorted().toList()));
        answer.put("client_id", stored.get().clientId());
        answer.put("sub", stored.get().userId());
        answer.put("exp", stored.get().expiresAt() / 1000);
        answer.put("iss", services.issuer());
        return answer;
    }
}
