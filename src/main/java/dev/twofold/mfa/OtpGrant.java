package dev.twofold.mfa;

import dev.twofold.mfa.totp.Base32;
import dev.twofold.mfa.totp.TotpVerifier;
import dev.twofold.oauth.Grant;
import dev.twofold.oauth.TokenRequest;
import dev.twofold.oauth.TokenResponse;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code http://auth0.com/oauth/grant-type/mfa-otp} grant: proves a TOTP code, for login,
 * step-up, or to confirm the TOTP enrollment this transaction started. Each time step is
 * accepted once per authenticator (RFC 6238 §5.2; BUG-05, BUG-06). Thread-safe.
 */
public final class OtpGrant implements Grant {

    public static final String GRANT_TYPE = "http://auth0.com/oauth/grant-type/mfa-otp";

    private final Services services;
    private final SecondFactorCompletion completion;
    private final AuthenticatorStore authenticators;
    private final Factors factors;

    public OtpGrant(Services services, SecondFactorCompletion completion,
                    AuthenticatorStore authenticators, Factors factors) {
        this.services = services;
        this.completion = completion;
        this.authenticators = authenticators;
        this.factors = factors;
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
        String otp = request.params().required("otp");
        List<Authenticator> candidates = candidates(transaction);
        // Counted on the first candidate, where a wrong code is charged; the others only must
        // not be locked.
        return completion.admitAndComplete(request, transaction, candidates.get(0),
                candidates.stream().skip(1).map(Authenticator::id).toList(),
                () -> proof(candidates, otp), invalidOtp());
    }

    /** The first candidate that accepts the code at a time step, and how to spend that step. */
    private Optional<SecondFactorCompletion.Proof> proof(List<Authenticator> candidates,
                                                         String otp) {
        for (Authenticator authenticator : candidates) {
            OptionalLong step = TotpVerifier.DEFAULT.matchingStep(key(authenticator), otp,
                    services.clock().instant());
            if (step.isPresent()) {
                return Optional.of(new SecondFactorCompletion.Proof(authenticator,
                        handle -> authenticators.spendStep(handle, authenticator.id(),
                                step.getAsLong(), services.clock().millis())));
            }
        }
        return Optional.empty();
    }

    /**
     * The user's active TOTP authenticators, and the one this transaction is enrolling;
     * refused as if there were none while the tenant has switched the factor off (the setting
     * is read once, however many there are).
     */
    private List<Authenticator> candidates(MfaTransaction transaction) {
        List<Authenticator> candidates = authenticators.list(transaction.userId()).stream()
                .filter(authenticator -> authenticator.kind() == AuthenticatorKind.TOTP)
                .filter(authenticator -> authenticator.active()
                        || authenticator.confirmableBy(transaction))
                .toList();
        if (candidates.isEmpty() || !factors.enabled(AuthenticatorKind.TOTP)) {
            throw ProtocolError.of(400, "unsupported_challenge_type", "This user has no OTP"
                    + " authenticator. Enroll one with POST /mfa/associate"
                    + " (authenticator_types [\"otp\"]), or use another factor.");
        }
        return candidates;
    }

    private byte[] key(Authenticator authenticator) {
        String sealed = authenticator.secretSealed().orElseThrow();
        return Base32.decode(services.secretBox().open(Authenticator.SECRET_PURPOSE, sealed));
    }

    private static ProtocolError invalidOtp() {
        // Wrong, expired and already used codes read the same (BUG-05: do not reveal reuse).
        return ProtocolError.invalidGrant("The otp is wrong, expired or already used. Send in"
                + " otp the 6-digit code the authenticator app shows now; each code is accepted"
                + " once.");
    }
}
