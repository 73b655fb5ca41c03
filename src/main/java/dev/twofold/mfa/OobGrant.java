package dev.twofold.mfa;

import dev.twofold.crypto.Randoms;
import dev.twofold.crypto.Secret;
import dev.twofold.mfa.oob.OobChallenge;
import dev.twofold.mfa.oob.OobChallenges;
import dev.twofold.oauth.Grant;
import dev.twofold.oauth.TokenRequest;
import dev.twofold.oauth.TokenResponse;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import java.util.List;
import java.util.Optional;

/**
 * The {@code http://auth0.com/oauth/grant-type/mfa-oob} grant: proves the binding code sent
 * by SMS, voice or email for an {@code oob_code} of this MFA transaction, for login, step-up,
 * or to confirm the enrollment that sent it. Thread-safe.
 */
public final class OobGrant implements Grant {

    public static final String GRANT_TYPE = "http://auth0.com/oauth/grant-type/mfa-oob";

    private final Services services;
    private final SecondFactorCompletion completion;
    private final AuthenticatorStore authenticators;
    private final OobChallenges challenges;

    public OobGrant(Services services, SecondFactorCompletion completion,
                    AuthenticatorStore authenticators, OobChallenges challenges) {
        this.services = services;
        this.completion = completion;
        this.authenticators = authenticators;
        this.challenges = challenges;
    }

    @Override
    public String grantType() {
        return GRANT_TYPE;
    }

    @Override
    public TokenResponse handle(TokenRequest request) {
        return completion.attempt(request, transaction -> verify(request, transaction));
    }

    private TokenResponse verify(TokenRequest request, MfaTransaction transaction) {
        OobChallenge challenge = challenge(request.params().required("oob_code"), transaction);
        String bindingCode = request.params().single("binding_code").orElseThrow(() ->
                ProtocolError.invalidRequest("binding_code is required: send the 6-digit code"
                        + " that was sent to the user."));
        Authenticator authenticator = authenticator(challenge, transaction);
        return completion.admitAndComplete(request, transaction, authenticator, List.of(),
                () -> Secret.constantTimeEquals(challenge.bindingCodeHash(),
                        Randoms.sha256(bindingCode.trim()))
                        ? Optional.of(new SecondFactorCompletion.Proof(authenticator,
                                completion.recordingUse(authenticator,
                                        handle -> challenges.spend(handle, challenge))))
                        : Optional.empty(),
                invalidBindingCode());
    }

    private OobChallenge challenge(String oobCode, MfaTransaction transaction) {
        OobChallenge challenge = challenges.find(oobCode).orElseThrow(() ->
                ProtocolError.invalidGrant("oob_code is not one issued by this server. Send"
                        + " the oob_code returned by POST /mfa/challenge or /mfa/associate."));
        if (!challenge.transactionId().equals(transaction.id())) {
            throw ProtocolError.invalidGrant("The oob_code doesn't match the mfa_token: it"
                    + " belongs to another MFA transaction. Send it with the mfa_token it was"
                    + " issued for, or start a challenge for this one with POST /mfa/challenge.");
        }
        if (challenge.usedAt().isPresent()) {
            throw ProtocolError.invalidGrant("oob_code was already used. Request a new code"
                    + " with POST /mfa/challenge.");
        }
        if (!challenge.expiresAt().isAfter(services.clock().instant())) {
            throw ProtocolError.invalidGrant("oob_code is expired: it expired at "
                    + challenge.expiresAt() + " (codes live 5 minutes). Request a new code"
                    + " with POST /mfa/challenge.");
        }
        return challenge;
    }

    private Authenticator authenticator(OobChallenge challenge, MfaTransaction transaction) {
        return authenticators.find(challenge.authenticatorId())
                .filter(found -> found.active() || found.confirmableBy(transaction))
                .orElseThrow(() -> ProtocolError.invalidGrant("The authenticator this oob_code"
                        + " was sent for was removed or replaced. Enroll again or challenge"
                        + " another authenticator."));
    }

    private static ProtocolError invalidBindingCode() {
        return ProtocolError.invalidGrant("Invalid binding_code. Send the 6-digit code that"
                + " was sent to the user for this oob_code.");
    }
}
