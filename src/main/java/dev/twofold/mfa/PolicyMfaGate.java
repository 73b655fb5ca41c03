package dev.twofold.mfa;

import dev.twofold.oauth.Authentication;
import dev.twofold.oauth.MfaGate;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The MFA gate after the first factor. A second factor is required when the client's MFA
 * policy (its own {@code mfa_policy}, else the tenant's) is {@code all-applications}, when the
 * request's {@code acr_values} asks for the PAPE multi-factor policy, or when the MFA API
 * itself is the audience and the user has a factor (otherwise a stolen password would yield
 * a token that removes factors). The answer is Auth0's 403 {@code mfa_required} with a new
 * {@code mfa_token}. Thread-safe.
 */
public final class PolicyMfaGate implements MfaGate {

    private final Services services;
    private final MfaTransactionStore transactions;
    private final AuthenticatorStore authenticators;
    private final Factors factors;

    public PolicyMfaGate(Services services, MfaTransactionStore transactions,
                         AuthenticatorStore authenticators, Factors factors) {
        this.services = services;
        this.transactions = transactions;
        this.authenticators = authenticators;
        this.factors = factors;
    }

    @Override
    public Authentication afterFirstFactor(Authentication authentication, Client client,
                                           Params params) {
        if (authentication.amr().contains("mfa") || !isRequired(authentication, client, params)) {
            return authentication;
        }
        String mfaToken = transactions.startLogin(authentication);
        throw ProtocolError.of(403, "mfa_required", "Multifactor authentication required")
                .withField("mfa_token", mfaToken)
                .withField("mfa_requirements", requirements(authentication.userId()));
    }

    private boolean isRequired(Authentication authentication, Client client, Params params) {
        String policy = client.mfaPolicy()
                .orElseGet(() -> services.tenantSettings().get("mfa_policy", "never"));
        return "all-applications".equals(policy.trim())
                || asksForMultiFactor(params)
                || (authentication.audience().filter(services.mfaAudience()::equals).isPresent()
                        && authenticators.hasActiveFactor(authentication.userId()));
    }

    private static boolean asksForMultiFactor(Params params) {
        return params.single("acr_values").stream()
                .flatMap(values -> Arrays.stream(values.trim().split(" +")))
                .anyMatch(Authentication.ACR_MFA::equals);
    }

    /** {@code {"challenge":[…]}} for a user with factors, else {@code {"enroll":[…]}}. */
    Map<String, Object> requirements(String userId) {
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
