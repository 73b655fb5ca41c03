package dev.twofold.login;

import dev.twofold.mfa.MfaPolicy;
import dev.twofold.server.Services;

/**
 * The second-factor step backed by the tenant's MFA policy ({@link MfaPolicy}, shared with the
 * token endpoint's gate): a session that already passed a second factor goes on; otherwise,
 * when the policy asks, the browser is sent to the challenge page. Thread-safe.
 */
final class MfaSecondFactorStep implements SecondFactorStep {

    private final MfaPolicy policy;
    private final Services services;

    MfaSecondFactorStep(MfaPolicy policy, Services services) {
        this.policy = policy;
        this.services = services;
    }

    @Override
    public Decision decide(Context context) {
        if (context.session().passedSecondFactor()) {
            return new Decision.NotRequired();
        }
        var request = context.pending().request();
        if (!policy.requiresSecondFactor(context.user().userId(), context.client(),
                request.audience(), request.acrValues())) {
            return new Decision.NotRequired();
        }
        return new Decision.Required(services.issuer() + "login/mfa?request="
                + context.pending().id());
    }
}
