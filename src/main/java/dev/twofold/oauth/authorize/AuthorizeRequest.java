package dev.twofold.oauth.authorize;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters of an authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636
 * §4.3) after they passed every check: only the names Twofold understands, each at most once.
 * Kept as a name-to-value map so it can be stored with the pending request as it came.
 * Immutable and thread-safe.
 */
public record AuthorizeRequest(Map<String, String> values) {

    public AuthorizeRequest {
        values = Map.copyOf(values);
    }

    public String clientId() {
        return values.get("client_id");
    }

    public String redirectUri() {
        return values.get("redirect_uri");
    }

    public Optional<String> state() {
        return value("state");
    }

    public Optional<String> nonce() {
        return value("nonce");
    }

    public Optional<String> audience() {
        return value("audience");
    }

    /** The requested scope values, without repeats. */
    public Set<String> scope() {
        return value("scope").map(scope -> Set.copyOf(Arrays.asList(scope.trim().split(" +"))))
                .orElse(Set.of());
    }

    /** The scope as sent, space-separated; empty when none was sent. */
    public String scopeText() {
        return value("scope").orElse("");
    }

    public Set<String> prompt() {
        return value("prompt").map(prompt -> Set.of(prompt.trim().split(" +"))).orElse(Set.of());
    }

    public Optional<Long> maxAgeSeconds() {
        return value("max_age").map(Long::parseLong);
    }

    public Optional<String> acrValues() {
        return value("acr_values");
    }

    public Optional<String> loginHint() {
        return value("login_hint");
    }

    public Optional<String> codeChallenge() {
        return value("code_challenge");
    }

    public Optional<String> codeChallengeMethod() {
        return value("code_challenge_method");
    }

    /** A copy with one more value, for the parsers that build the request step by step. */
    AuthorizeRequest with(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(values);
        all.put(name, value);
        return new AuthorizeRequest(all);
    }

    private Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name)).filter(value -> !value.isEmpty());
    }
}
