package dev.twofold.oauth.authorize;

import dev.twofold.server.ProtocolError;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Builds the redirects that end an authorization request (RFC 6749 §4.1.2 and §4.1.2.1): the
 * redirect URI with {@code code} or {@code error}, and the {@code state} the client sent.
 * Stateless and thread-safe.
 */
public final class AuthorizationResponses {

    private AuthorizationResponses() {
    }

    /** The success redirect: {@code code} and {@code state}. */
    public static String success(AuthorizeRequest request, String code) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("code", code);
        request.state().ifPresent(state -> parameters.put("state", state));
        return append(request.redirectUri(), parameters);
    }

    /** The error redirect for a request whose client and redirect URI are trusted. */
    public static String error(AuthorizeRequest request, ProtocolError error) {
        return error(request.redirectUri(), request.state(), error);
    }

    /** The error redirect to a trusted redirect URI, with the state if one was sent. */
    public static String error(String redirectUri, Optional<String> state, ProtocolError error) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("error", error.error());
        parameters.put("error_description", error.description());
        state.ifPresent(value -> parameters.put("state", value));
        return append(redirectUri, parameters);
    }

    /** The URI with the parameters added to its query, form-encoded. */
    public static String append(String uri, Map<String, String> parameters) {
        StringJoiner query = new StringJoiner("&");
        parameters.forEach((name, value) -> query.add(name + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")));
        String separator = uri.contains("?") ? "&" : "?";
        return uri + separator + query;
    }
}
