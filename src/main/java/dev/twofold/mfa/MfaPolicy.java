package dev.twofold.mfa;

import dev.twofold.oauth.Authentication;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether a login needs a second factor, and which factors it may use: the one policy shared
 * by the token endpoint's MFA gate and the hosted login. A second factor is required when the
 * client's {@code mfa_policy} (else the tenant's) is {@code all-applications}, when
 * {@code acr_values} asks for the PAPE multi-factor policy, or when the MFA API is the
 * audience and the user has a factor. Thread-safe.
 */
public final class MfaPolicy {

    private final Services services;
    private final AuthenticatorStore authenticators;
    private final Factors factors;

    public MfaPolicy(Services services, AuthenticatorStore authenticators, Factors factors) {
        this.services = services;
        this.authenticators = authenticators;
        this.factors = factors;
    }

    /** The policy of a node, for other modules (the hosted login). */
    public static MfaPolicy of(Services services) {
        return new MfaPolicy(services, new AuthenticatorStore(services.database()),
                new Factors(services.tenantSettings()));
    }

    /**
     * Whether the user must prove a second factor.
     *
     * @param acrValues the request's space-separated {@code acr_values}, if any
     */
    public boolean requiresSecondFactor(String userId, Client client, Optional<String> audience,
                                        Optional<String> acrValues) {
        String policy = client.mfaPolicy()
                .orElseGet(() -> services.tenantSettings().get("mfa_policy", "never"));
        return "all-applications".equals(policy.trim())
                || asksForMultiFactor(acrValues)
                || (audience.filter(services.mfaAudience()::equals).isPresent()
                        && authenticators.hasActiveFactor(userId));
    }

    /** Whether the user has a confirmed factor other than a recovery code alone. */
    public boolean hasActiveFactor(String userId) {
        return authenticators.hasActiveFactor(userId);
    }

    /** Whether {@code acr_values} names the multi-factor acr. */
    public static boolean asksForMultiFactor(Optional<String> acrValues) {
        return acrValues.stream()
                .flatMap(values -> Arrays.stream(values.trim().split(" +")))
                .anyMatch(Authentication.ACR_MFA::equals);
    }

    /**
     * Auth0's {@code mfa_requirements}: {@code {"challenge":[…]}} with the types of the user's
     * active factors, or {@code {"enroll":[…]}} with the enabled types when there are none.
     */
    public Map<String, Object> requirements(String userId) {
        List<Authenticator> active = authenticators.list(userId).stream()
                .filter(Authenticator::active)
                .filter(authenticator -> factors.enabled(authenticator.kind()))
                .toList();
        boolean enrolled = active.stream()
                .anyMatch(authenticator -> authenticator.kind() != AuthenticatorKind.RECOVERY_CODE);
        Stream<AuthenticatorKind> kinds = enrolled
                ? active.stream().map(Authenticator::kind).sorted()
                : Stream.of(AuthenticatorKind.values())
                        .filter(kind -> kind != AuthenticatorKind.RECOVERY_CODE)
                        .filter(factors::enabled);
        List<Map<String, String>> types = kinds.map(AuthenticatorKind::requirementType)
                .distinct().map(type -> Map.of("type", type)).toList();
        Map<String, Object> requirements = new LinkedHashMap<>();
        requirements.put(enrolled ? "challenge" : "enroll", types);
        return requirements;
    }
}
