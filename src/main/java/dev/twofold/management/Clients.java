package dev.twofold.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Json;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Creating, changing and answering clients in Auth0's shape, shared by the HTTP endpoints, the
 * bootstrap and the command-line tool. A client secret is generated here, shown once and
 * stored only as an Argon2id hash. Thread-safe.
 */
final class Clients {

    static final String PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm";
    static final String MFA_OTP = "http://auth0.com/oauth/grant-type/mfa-otp";
    static final String MFA_OOB = "http://auth0.com/oauth/grant-type/mfa-oob";
    static final String MFA_RECOVERY = "http://auth0.com/oauth/grant-type/mfa-recovery-code";
    static final Set<String> SUPPORTED_GRANTS = Set.of("authorization_code", "refresh_token",
            "client_credentials", "password", PASSWORD_REALM, MFA_OTP, MFA_OOB, MFA_RECOVERY);
    static final Set<String> APP_TYPES = Set.of("native", "spa", "regular_web",
            "non_interactive");
    static final Set<String> AUTH_METHODS = Set.of("none", "client_secret_post",
            "client_secret_basic");
    static final Set<String> FIELDS = Set.of("name", "description", "app_type",
            "token_endpoint_auth_method", "grant_types", "callbacks", "allowed_logout_urls",
            "web_origins", "allowed_origins", "is_first_party", "oidc_conformant",
            "client_metadata", "mfa_policy", "jwt_configuration");
    /** ID token algorithms a client may choose; RS256 is Auth0's and the default. */
    static final Set<String> ID_TOKEN_ALGORITHMS = Set.of("RS256", "ES256");

    private final Services services;

    Clients(Services services) {
        this.services = services;
    }

    /** A client with its secret in clear, as answered once at creation or rotation. */
    record WithSecret(Client client, Optional<String> secret) {
    }

    /** Creates a client from an Auth0 create-client body; the id is generated unless given. */
    WithSecret create(JsonBody body, Optional<String> clientId) {
        String appType = body.string("app_type").orElse("regular_web");
        checkOneOf("app_type", appType, APP_TYPES);
        String method = body.string("token_endpoint_auth_method")
                .orElse(isBrowserOrDevice(appType) ? "none" : "client_secret_post");
        Optional<String> secret = method.equals("none") ? Optional.empty()
                : Optional.of(Randoms.urlSafe(48));
        long now = services.clock().millis();
        Client client = new Client(clientId.orElseGet(() -> Randoms.urlSafe(24)),
                JsonBody.limited("name", body.requiredString("name"), JsonBody.MAX_NAME), appType,
                secret.map(value -> services.passwords().hash(value)), method,
                new LinkedHashSet<>(body.strings("grant_types")
                        .orElse(defaultGrants(appType, method))),
                uris(body, "callbacks", List.of()), uris(body, "allowed_logout_urls", List.of()),
                origins(body, List.of()), mfaPolicy(body, Optional.empty()),
                body.bool("is_first_party").orElse(true), metadata(body, "{}"), now, now);
        check(client);
        services.clients().save(client);
        return new WithSecret(client, secret);
    }

    /** Applies an Auth0 update-client body to an existing client. */
    Client update(Client current, JsonBody body) {
        String method = body.string("token_endpoint_auth_method")
                .orElse(current.tokenEndpointAuthMethod());
        if (!method.equals("none") && current.secretHash().isEmpty()) {
            throw ManagementErrors.invalidBody("The client has no secret, so it cannot use "
                    + method + "; create a confidential client instead, or keep none.");
        }
        Client client = new Client(current.clientId(),
                body.has("name") ? JsonBody.limited("name", body.requiredString("name"),
                        JsonBody.MAX_NAME) : current.name(),
                body.string("app_type").orElse(current.appType()),
                method.equals("none") ? Optional.empty() : current.secretHash(), method,
                body.strings("grant_types").<Set<String>>map(LinkedHashSet::new)
                        .orElse(current.grantTypes()),
                uris(body, "callbacks", current.redirectUris()),
                uris(body, "allowed_logout_urls", current.logoutUrls()),
                origins(body, current.allowedOrigins()), mfaPolicy(body, current.mfaPolicy()),
                body.bool("is_first_party").orElse(current.firstParty()),
                metadata(body, current.metadataJson()), current.createdAt(),
                services.clock().millis());
        checkOneOf("app_type", client.appType(), APP_TYPES);
        check(client);
        services.clients().save(client);
        return client;
    }

    /** Replaces the secret of a confidential client; the old one stops working at once. */
    WithSecret rotateSecret(Client current) {
        if (current.isPublic()) {
            throw ManagementErrors.invalidBody("Client " + current.clientId() + " is public"
                    + " (token_endpoint_auth_method none) and has no secret to rotate.");
        }
        String secret = Randoms.urlSafe(48);
        Client client = new Client(current.clientId(), current.name(), current.appType(),
                Optional.of(services.passwords().hash(secret)),
                current.tokenEndpointAuthMethod(), current.grantTypes(), current.redirectUris(),
                current.logoutUrls(), current.allowedOrigins(), current.mfaPolicy(),
                current.firstParty(), current.metadataJson(), current.createdAt(),
                services.clock().millis());
        services.clients().save(client);
        return new WithSecret(client, Optional.of(secret));
    }

    Client existing(String clientId) {
        return services.clients().find(clientId).orElseThrow(() -> ManagementErrors.notFound(
                "client", "No client has client_id " + clientId + "; list them with"
                        + " GET /api/v2/clients."));
    }

    /** The client in Auth0's shape; {@code client_secret} only when given. */
    static Map<String, Object> view(Client client, Optional<String> secret) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_id", client.clientId());
        body.put("name", client.name());
        secret.ifPresent(value -> body.put("client_secret", value));
        ObjectNode metadata = readMetadata(client.metadataJson());
        if (metadata.hasNonNull("description")) {
            body.put("description", metadata.get("description").asText());
        }
        body.put("app_type", client.appType());
        body.put("is_first_party", client.firstParty());
        body.put("oidc_conformant", true);
        body.put("token_endpoint_auth_method", client.tokenEndpointAuthMethod());
        body.put("grant_types", List.copyOf(client.grantTypes()));
        body.put("callbacks", client.redirectUris());
        body.put("allowed_logout_urls", client.logoutUrls());
        body.put("web_origins", client.allowedOrigins());
        body.put("allowed_origins", client.allowedOrigins());
        body.put("client_metadata", metadata.has("client_metadata")
                ? metadata.get("client_metadata") : Json.MAPPER.createObjectNode());
        client.mfaPolicy().ifPresent(policy -> body.put("mfa_policy", policy));
        body.put("jwt_configuration", Map.of("alg", client.idTokenSigningAlg()));
        return body;
    }

    private static boolean isBrowserOrDevice(String appType) {
        return appType.equals("native") || appType.equals("spa");
    }

    private static List<String> defaultGrants(String appType, String method) {
        if (appType.equals("non_interactive")) {
            return List.of("client_credentials");
        }
        if (method.equals("none")) {
            return List.of("authorization_code", "refresh_token");
        }
        return List.of("authorization_code", "refresh_token", "client_credentials");
    }

    private static void check(Client client) {
        checkOneOf("token_endpoint_auth_method", client.tokenEndpointAuthMethod(),
                AUTH_METHODS);
        for (String grant : client.grantTypes()) {
            checkOneOf("grant_types[]", grant, SUPPORTED_GRANTS);
        }
        if (client.isPublic() && client.allowsGrant("client_credentials")) {
            throw ManagementErrors.invalidBody("A public client (token_endpoint_auth_method"
                    + " none) cannot use client_credentials: it has no secret to prove who it"
                    + " is. Remove the grant or use client_secret_post.");
        }
        if (client.appType().equals("non_interactive") && client.isPublic()) {
            throw ManagementErrors.invalidBody("A non_interactive client authenticates with"
                    + " its secret; use client_secret_post or client_secret_basic.");
        }
    }

    static void checkOneOf(String field, String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            throw ManagementErrors.invalidBody("Field " + field + " is '" + value
                    + "'; expected one of " + new java.util.TreeSet<>(allowed) + ".");
        }
    }

    private static List<String> uris(JsonBody body, String field, List<String> fallback) {
        List<String> values = body.strings(field).orElse(fallback);
        JsonBody.limited(field, String.join("\",\"", values), JsonBody.MAX_JSON - 100);
        for (String value : values) {
            checkAbsoluteUri(field, value);
        }
        return values;
    }

    private static List<String> origins(JsonBody body, List<String> fallback) {
        Set<String> all = new LinkedHashSet<>();
        body.strings("web_origins").ifPresent(all::addAll);
        body.strings("allowed_origins").ifPresent(all::addAll);
        if (!body.has("web_origins") && !body.has("allowed_origins")) {
            return fallback;
        }
        JsonBody.limited("web_origins", String.join("\",\"", all), JsonBody.MAX_JSON - 100);
        for (String origin : all) {
            checkAbsoluteUri("web_origins", origin);
        }
        return List.copyOf(all);
    }

    /** RFC 6749 §3.1.2: a redirect URI is absolute and has no fragment. */
    private static void checkAbsoluteUri(String field, String value) {
        try {
            URI uri = new URI(value);
            if (uri.isAbsolute() && uri.getRawFragment() == null) {
                return;
            }
        } catch (URISyntaxException e) {
            // Answered below.
        }
        throw ManagementErrors.invalidBody("Field " + field + " has '" + value + "', which is"
                + " not an absolute URI without a fragment, e.g. https://app.example.com/cb.");
    }

    private static Optional<String> mfaPolicy(JsonBody body, Optional<String> fallback) {
        if (body.isNull("mfa_policy")) {
            return Optional.empty();
        }
        Optional<String> policy = body.string("mfa_policy");
        policy.ifPresent(value -> checkOneOf("mfa_policy", value,
                Set.of("never", "all-applications")));
        return policy.or(() -> fallback);
    }

    private static String metadata(JsonBody body, String currentJson) {
        ObjectNode metadata = readMetadata(currentJson);
        body.string("description").ifPresent(text -> metadata.put("description", text));
        body.object("client_metadata").ifPresent(object -> {
            object.properties().forEach(member -> {
                if (!member.getValue().isTextual()) {
                    throw JsonBody.wrongType("client_metadata." + member.getKey(),
                            member.getValue(), "a string");
                }
            });
            metadata.set("client_metadata", object);
        });
        body.object("jwt_configuration").ifPresent(object -> {
            JsonNode alg = object.get("alg");
            if (alg == null || !alg.isTextual()) {
                throw JsonBody.wrongType("jwt_configuration.alg", alg, "a string");
            }
            checkOneOf("jwt_configuration.alg", alg.asText(), ID_TOKEN_ALGORITHMS);
            metadata.putObject("jwt_configuration").put("alg", alg.asText());
        });
        return JsonBody.limited("client_metadata", metadata.toString(), JsonBody.MAX_JSON);
    }

    private static ObjectNode readMetadata(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (Exception e) {
            throw new IllegalStateException("A stored client's metadata is not a JSON object", e);
        }
    }
}
