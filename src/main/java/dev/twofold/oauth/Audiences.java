package dev.twofold.oauth;

import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.ResourceServer;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves the {@code audience} of a token request to an {@link Audience} (a stored resource
 * server, or one of the built-in APIs computed from the issuer) and decides which requested
 * scopes a user's token gets. Thread-safe.
 */
public final class Audiences {

    /** Scopes that belong to OpenID Connect, not to any API; always kept when requested. */
    public static final Set<String> OIDC_SCOPES =
            Set.of("openid", "profile", "email", "address", "phone", "offline_access");
    /** The scopes of the MFA API, as Auth0 defines them. */
    public static final Set<String> MFA_SCOPES =
            Set.of("enroll", "read:authenticators", "remove:authenticators");
    /** Auth0 gives MFA API tokens ten minutes. */
    public static final Duration MFA_TOKEN_LIFETIME = Duration.ofSeconds(600);
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(86_400);

    private final Services services;

    public Audiences(Services services) {
        this.services = services;
    }

    /** The default audience: tokens for the userinfo endpoint only. */
    public static Audience userinfoOnly() {
        return new Audience(Optional.empty(), "RS256", Set.of(), DEFAULT_TOKEN_LIFETIME, true);
    }

    /**
     * The audience a request names, or the default one when it names none. An unknown
     * audience is refused with 403 {@code access_denied}, as Auth0 answers it.
     */
    public Audience resolve(Optional<String> identifier) {
        if (identifier.isEmpty()) {
            return userinfoOnly();
        }
        Optional<Audience> stored = services.resourceServers()
                .findByIdentifier(identifier.get()).map(Audiences::fromResourceServer);
        return stored.or(() -> builtIn(identifier.get())).orElseThrow(() ->
                ProtocolError.accessDenied("Service not found: " + identifier.get()
                        + ". The audience must be the identifier of a registered API"
                        + " (POST /api/v2/resource-servers), " + services.mfaAudience()
                        + " or " + services.managementAudience() + "."));
    }

    private Optional<Audience> builtIn(String identifier) {
        if (identifier.equals(services.mfaAudience())) {
            return Optional.of(new Audience(Optional.of(identifier), "RS256", MFA_SCOPES,
                    MFA_TOKEN_LIFETIME, false));
        }
        if (identifier.equals(services.managementAudience())) {
            return Optional.of(new Audience(Optional.of(identifier), "RS256", Set.of(),
                    DEFAULT_TOKEN_LIFETIME, false));
        }
        return Optional.empty();
    }

    private static Audience fromResourceServer(ResourceServer server) {
        return new Audience(Optional.of(server.identifier()), server.signingAlg(),
                Set.copyOf(server.scopes()), Duration.ofSeconds(server.tokenLifetime()),
                server.allowOfflineAccess());
    }

    /**
     * The scope a user's token gets: the requested OIDC scopes and the requested scopes the
     * audience defines; others are dropped, as Auth0 drops them. {@code offline_access} is
     * dropped when the audience does not allow refresh tokens.
     */
    public static Set<String> grantedUserScope(Audience audience, Set<String> requested) {
        Set<String> granted = new LinkedHashSet<>();
        for (String scope : requested) {
            if (OIDC_SCOPES.contains(scope) || audience.scopes().contains(scope)) {
                granted.add(scope);
            }
        }
        if (!audience.allowOfflineAccess()) {
            granted.remove("offline_access");
        }
        return granted;
    }

    /**
     * The audience a token request asks for: Auth0's {@code audience}, or the RFC 8707
     * {@code resource} that generic clients (the Nimbus SDK, for one) send instead.
     */
    public static Optional<String> requested(Params params) {
        Optional<String> audience = params.single("audience");
        Optional<String> resource = params.single("resource");
        if (audience.isPresent() && resource.isPresent()
                && !audience.get().equals(resource.get())) {
            throw ProtocolError.of(400, "invalid_target", "audience " + audience.get()
                    + " and resource " + resource.get() + " differ; send one of them.");
        }
        return audience.or(() -> resource);
    }

    /** Splits a space-separated {@code scope} parameter (RFC 6749 §3.3), order kept. */
    public static Set<String> parseScope(Optional<String> scope) {
        Set<String> scopes = new LinkedHashSet<>();
        scope.ifPresent(value -> {
            for (String item : value.trim().split(" +")) {
                if (!item.isEmpty()) {
                    scopes.add(item);
                }
            }
        });
        return scopes;
    }
}
