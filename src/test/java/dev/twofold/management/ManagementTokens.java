package dev.twofold.management;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.twofold.testing.TestServer;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Access tokens for the Management API in the documented format (docs/architecture.md:
 * RFC 9068 JWT, typ at+jwt, signed with the node's active key), for tests that exercise the
 * API itself rather than the token endpoint.
 */
public final class ManagementTokens {

    private ManagementTokens() {
    }

    public static String all(TestServer server) {
        return withScopes(server, ManagementScopes.ALL);
    }

    static String withScopes(TestServer server, List<String> scopes) {
        return token(server, server.issuer() + "api/v2/", String.join(" ", scopes), 3600);
    }

    static String token(TestServer server, String audience, String scope, long lifetimeSeconds) {
        long now = server.clock().millis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(server.issuer())
                .subject("mgmt@clients")
                .audience(audience)
                .issueTime(new Date(now))
                .expirationTime(new Date(now + lifetimeSeconds * 1000))
                .jwtID(UUID.randomUUID().toString())
                .claim("client_id", "mgmt")
                .claim("scope", scope)
                .build();
        return server.server().services().signingKeys().sign(JWSAlgorithm.RS256,
                new JOSEObjectType("at+jwt"), claims);
    }
}
