package dev.twofold.oauth;

import dev.twofold.server.Services;
import dev.twofold.store.JsonColumns;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents: OpenID Connect Discovery 1.0 §3 at
 * {@code /.well-known/openid-configuration}, RFC 8414 §2 at
 * {@code /.well-known/oauth-authorization-server}, and the JWKS (RFC 7517 §5). Thread-safe.
 */
public final class Discovery {

    public static final List<String> GRANT_TYPES = List.of("authorization_code",
            "refresh_token", "client_credentials", "password", PasswordGrant.PASSWORD_REALM,
            "http://auth0.com/oauth/grant-type/mfa-otp",
            "http://auth0.com/oauth/grant-type/mfa-oob",
            "http://auth0.com/oauth/grant-type/mfa-recovery-code");
    static final List<String> CLIENT_AUTH_METHODS =
            List.of("client_secret_basic", "client_secret_post", "none");

    private final Services services;

    public Discovery(Services services) {
        this.services = services;
    }

    public void configuration(Context context) {
        context.header("Cache-Control", "public, max-age=300");
        context.json(document());
    }

    public void jwks(Context context) {
        context.header("Cache-Control", "public, max-age=60");
        context.contentType("application/jwk-set+json");
        context.result(JsonColumns.write(services.signingKeys().jwks()));
    }

    /** The metadata; the same for both well-known paths (RFC 8414 §3). */
    Map<String, Object> document() {
        String issuer = services.issuer();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("authorization_endpoint", issuer + "authorize");
        document.put("token_endpoint", issuer + "oauth/token");
        document.put("userinfo_endpoint", issuer + "userinfo");
        document.put("jwks_uri", issuer + ".well-known/jwks.json");
        document.put("revocation_endpoint", issuer + "oauth/revoke");
        document.put("introspection_endpoint", issuer + "oauth/introspect");
        document.put("end_session_endpoint", issuer + "oidc/logout");
        document.put("mfa_challenge_endpoint", issuer + "mfa/challenge");
        document.put("scopes_supported", List.of("openid", "profile", "email",
                "offline_access"));
        document.put("response_types_supported", List.of("code"));
        document.put("response_modes_supported", List.of("query", "form_post"));
        document.put("grant_types_supported", GRANT_TYPES);
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256", "ES256"));
        document.put("token_endpoint_auth_methods_supported", CLIENT_AUTH_METHODS);
        document.put("revocation_endpoint_auth_methods_supported", CLIENT_AUTH_METHODS);
        document.put("introspection_endpoint_auth_methods_supported",
                List.of("client_secret_basic", "client_secret_post"));
        document.put("code_challenge_methods_supported", List.of("S256"));
        document.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat",
                "auth_time", "amr", "acr", "nonce", "azp", "sid", "name", "nickname",
                "given_name", "family_name", "picture", "updated_at", "email",
                "email_verified"));
        document.put("acr_values_supported", List.of(Authentication.ACR_MFA));
        document.put("request_parameter_supported", false);
        document.put("request_uri_parameter_supported", false);
        document.put("claims_parameter_supported", false);
        return document;
    }
}
