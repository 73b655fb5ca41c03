package dev.twofold.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A registered client (an Auth0 "application"). {@code secretHash} is an Argon2id hash; the
 * secret itself is shown once, when the client is created or its secret rotated.
 *
 * @param appType Auth0's {@code app_type}: {@code native}, {@code spa},
 *     {@code regular_web} or {@code non_interactive}
 * @param tokenEndpointAuthMethod {@code none}, {@code client_secret_post} or
 *     {@code client_secret_basic}
 * @param mfaPolicy a per-client override of the tenant MFA policy ({@code never} or
 *     {@code all-applications}); empty means the tenant policy applies
 */
public record Client(
        String clientId,
        String name,
        String appType,
        Optional<String> secretHash,
        String tokenEndpointAuthMethod,
        Set<String> grantTypes,
        List<String> redirectUris,
        List<String> logoutUrls,
        List<String> allowedOrigins,
        Optional<String> mfaPolicy,
        boolean firstParty,
        String metadataJson,
        long createdAt,
        long updatedAt) {

    /** A public client has no secret and authenticates with {@code none} (RFC 6749 §2.1). */
    public boolean isPublic() {
        return "none".equals(tokenEndpointAuthMethod);
    }

    public boolean allowsGrant(String grantType) {
        return grantTypes.contains(grantType);
    }

    /**
     * The algorithm of this client's ID tokens: {@code jwt_configuration.alg} as set through
     * the Management API, RS256 (Auth0's default, and what its SDKs verify) when unset.
     */
    public String idTokenSigningAlg() {
        if (metadataJson == null || !metadataJson.contains("jwt_configuration")) {
            return "RS256";
        }
        var alg = JsonColumns.tree(metadataJson).path("jwt_configuration").path("alg");
        return alg.isTextual() ? alg.asText() : "RS256";
    }
}
