package dev.twofold.mfa;

import dev.twofold.mfa.device.RememberedDeviceStore;
import dev.twofold.oauth.Authentication;
import dev.twofold.oauth.MfaGate;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.store.Client;

/**
 * The MFA gate after the first factor of the token endpoint: when {@link MfaPolicy} requires
 * a second factor, answers Auth0's 403 {@code mfa_required} with a new {@code mfa_token} and
 * the {@code mfa_requirements}. Thread-safe.
 */
public final class PolicyMfaGate implements MfaGate {

    private final MfaPolicy policy;
    private final MfaTransactionStore transactions;
    private final RememberedDeviceStore devices;

    public PolicyMfaGate(MfaPolicy policy, MfaTransactionStore transactions,
                         RememberedDeviceStore devices) {
        this.policy = policy;
        this.transactions = transactions;
        this.devices = devices;
    }

    @Override
    public Authentication afterFirstFactor(Authentication authentication, Client client,
                                           Params params) {
        if (authentication.amr().contains("mfa") || !policy.requiresSecondFactor(
                authentication.userId(), client, authentication.audience(),
                params.single("acr_values"))) {
            return authentication;
        }
        if (rememberedDevice(authentication, client, params)) {
            return authentication;
        }
        String mfaToken = transactions.startLogin(authentication);
        throw ProtocolError.of(403, "mfa_required", "Multifactor authentication required")
                .withField("mfa_token", mfaToken)
                .withField("mfa_requirements", policy.requirements(authentication.userId()))
                .withSubject(authentication.userId());
    }

    /** A {@code device_token} from an earlier MFA grant with {@code remember_device=true}. */
    private boolean rememberedDevice(Authentication authentication, Client client,
                                     Params params) {
        return devices.mayApply(authentication.audience(), params.single("acr_values"))
                && params.single("device_token").filter(token -> devices.honours(token,
                        authentication.userId(), client.clientId())).isPresent();
    }
}
