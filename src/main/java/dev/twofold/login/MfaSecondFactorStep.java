package dev.twofold.login;

import dev.twofold.mfa.MfaPolicy;
import dev.twofold.mfa.device.RememberedDeviceStore;
import dev.twofold.server.Services;

/**
 * The second-factor step backed by the tenant's MFA policy ({@link MfaPolicy}, shared with the
 * token endpoint's gate). A session whose second factor is no older than the request's
 * {@code max_age} goes on; a second factor older than {@code max_age} is asked again
 * (step-up). Otherwise, when the policy (or {@code acr_values}) asks, the browser is sent to
 * the challenge page, unless it is a remembered device of this user and client and the
 * request neither names the multi-factor acr nor targets the MFA API. {@code prompt=login}
 * forces both factors: after the fresh password, a user with an active factor is challenged
 * whatever the policy says, and a remembered device is never honoured. Thread-safe.
 */
final class MfaSecondFactorStep implements SecondFactorStep {

    private final MfaPolicy policy;
    private final Services services;
    private final RememberedDeviceStore devices;

    MfaSecondFactorStep(MfaPolicy policy, Services services, RememberedDeviceStore devices) {
        this.policy = policy;
        this.services = services;
        this.devices = devices;
    }

    @Override
    public Decision decide(Context context) {
        var request = context.pending().request();
        var session = context.session();
        if (session.passedSecondFactor()) {
            if (LoginFlow.withinMaxAge(session.mfaTime().orElseThrow(), request,
                    services.clock().instant())) {
                return new Decision.NotRequired();
            }
            return challenge(context);
        }
        if (freshLogin(context) && policy.hasActiveFactor(context.user().userId())) {
            return challenge(context);
        }
        if (!policy.requiresSecondFactor(context.user().userId(), context.client(),
                request.audience(), request.acrValues())) {
            return new Decision.NotRequired();
        }
        if (mayUseRememberedDevice(context) && context.rememberedDevice().filter(value ->
                devices.honours(value, context.user(), context.client().clientId()))
                .isPresent()) {
            return new Decision.NotRequired();
        }
        return challenge(context);
    }

    /** OIDC Core §3.1.2.1 prompt=login: the app asks the user to prove every factor again. */
    private static boolean freshLogin(Context context) {
        return context.pending().request().prompt().contains("login");
    }

    /**
     * Never under prompt=login, nor when the app asked for the multi-factor acr or for a token
     * of the MFA API.
     */
    private boolean mayUseRememberedDevice(Context context) {
        var request = context.pending().request();
        return !freshLogin(context) && devices.mayApply(request.audience(), request.acrValues());
    }

    private Decision challenge(Context context) {
        return new Decision.Required(services.issuer() + "login/mfa?request="
                + context.pending().id());
    }
}
