package dev.twofold.oauth.authorize;

import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of an authorization request, in the order the specs require: first the client
 * and its redirect URI (RFC 6749 §4.1.2.1: until both are trusted nothing may be redirected),
 * then everything else, whose failures are redirected to the client. Thread-safe.
 */
final class AuthorizeChecks {

    /** The parameters kept, with the longest value each may have. */
    private static final Map<String, Integer> ACCEPTED = acceptedParameters();
    private static final Set<String> PROMPTS = Set.of("none", "login", "consent",
            "select_account");

    private final Services services;

    AuthorizeChecks(Services services) {
        this.services = services;
    }

    private static Map<String, Integer> acceptedParameters() {
        Map<String, Integer> accepted = new LinkedHashMap<>();
        accepted.put("client_id", 128);
        accepted.put("redirect_uri", 2000);
        accepted.put("response_type", 64);
        accepted.put("response_mode", 32);
        accepted.put("scope", 1000);
        accepted.put("state", 1000);
        accepted.put("nonce", 500);
        accepted.put("audience", 1000);
        accepted.put("prompt", 100);
        accepted.put("max_age", 12);
        accepted.put("acr_values", 500);
        accepted.put("login_hint", 320);
        accepted.put("code_challenge", 128);
        accepted.put("code_challenge_method", 32);
        return Map.copyOf(accepted);
    }

    /** Step 1: the client exists and the redirect URI is one it registered, exactly. */
    Client trustedClient(Params query) {
        String clientId = query.single("client_id").orElseThrow(() ->
                ProtocolError.invalidRequest("client_id is missing; send the client ID of your"
                        + " application as the client_id query parameter."));
        Client client = services.clients().find(clientId).orElseThrow(() ->
                ProtocolError.of(400, "invalid_client", "No client has the client_id in this"
                        + " request; check the client ID in your application's settings."));
        String redirectUri = query.single("redirect_uri").orElseThrow(() ->
                ProtocolError.invalidRequest("redirect_uri is missing; send one of the"
                        + " redirect URIs registered for this client."));
        if (!client.redirectUris().contains(redirectUri)) {
            throw ProtocolError.invalidRequest("redirect_uri does not exactly match any"
                    + " redirect URI registered for this client; register it, or send a"
                    + " registered one character for character.");
        }
        return client;
    }

    /** Step 2: every other parameter; failures are redirected to the client. */
    AuthorizeRequest validate(Params query, Client client) {
        query.requireNoRepeats();
        refuseRequestObjects(query);
        AuthorizeRequest request = new AuthorizeRequest(accepted(query));
        checkResponseType(query);
        checkResponseMode(query);
        checkPrompt(request);
        checkMaxAge(query);
        checkAudience(request);
        Pkce.checkChallenge(request.codeChallenge(), request.codeChallengeMethod(),
                client.isPublic());
        checkGrantAllowed(client);
        return request;
    }

    private static Map<String, String> accepted(Params query) {
        Map<String, String> values = new LinkedHashMap<>();
        ACCEPTED.forEach((name, limit) -> query.single(name).ifPresent(value -> {
            if (value.length() > limit) {
                throw ProtocolError.invalidRequest(name + " has " + value.length()
                        + " characters; at most " + limit + " are accepted.");
            }
            values.put(name, value);
        }));
        return values;
    }

    private static void refuseRequestObjects(Params query) {
        if (query.has("request")) {
            throw ProtocolError.of(400, "request_not_supported", "Request objects (the request"
                    + " parameter) are not supported; send the parameters in the query.");
        }
        if (query.has("request_uri")) {
            throw ProtocolError.of(400, "request_uri_not_supported", "request_uri is not"
                    + " supported; send the parameters in the query.");
        }
    }

    private static void checkResponseType(Params query) {
        Optional<String> responseType = query.single("response_type");
        if (responseType.isEmpty()) {
            throw ProtocolError.invalidRequest("response_type is missing; send"
                    + " response_type=code (the authorization code flow).");
        }
        if (!"code".equals(responseType.get())) {
            throw ProtocolError.of(400, "unsupported_response_type", "response_type must be"
                    + " code; Twofold supports only the authorization code flow with PKCE.");
        }
    }

    private static void checkResponseMode(Params query) {
        Optional<String> mode = query.single("response_mode");
        if (mode.isPresent() && !"query".equals(mode.get())) {
            throw ProtocolError.invalidRequest("response_mode must be query (or omitted);"
                    + " other response modes are not supported.");
        }
    }

    private static void checkPrompt(AuthorizeRequest request) {
        Set<String> prompt = request.prompt();
        if (!PROMPTS.containsAll(prompt)) {
            throw ProtocolError.invalidRequest("prompt must be a space-separated list of none,"
                    + " login, consent and select_account.");
        }
        if (prompt.contains("none") && prompt.size() > 1) {
            throw ProtocolError.invalidRequest("prompt=none cannot be combined with other"
                    + " prompt values (OIDC Core §3.1.2.1).");
        }
    }

    private static void checkMaxAge(Params query) {
        Optional<String> maxAge = query.single("max_age");
        if (maxAge.isPresent() && !maxAge.get().matches("[0-9]{1,10}")) {
            throw ProtocolError.invalidRequest("max_age must be a whole number of seconds,"
                    + " such as 3600.");
        }
    }

    private void checkAudience(AuthorizeRequest request) {
        Optional<String> audience = request.audience();
        if (audience.isEmpty() || audience.get().equals(services.mfaAudience())
                || audience.get().equals(services.managementAudience())) {
            return;
        }
        if (services.resourceServers().findByIdentifier(audience.get()).isEmpty()) {
            throw ProtocolError.of(400, "access_denied", "No API has the identifier given as"
                    + " audience; create the API first, or send the identifier of an existing"
                    + " one.");
        }
    }

    private static void checkGrantAllowed(Client client) {
        if (!client.allowsGrant("authorization_code")) {
            throw ProtocolError.unauthorizedClient("This client may not use the"
                    + " authorization_code grant; enable it in the client's grant types.");
        }
    }
}
