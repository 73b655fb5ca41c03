package dev.twofold.mfa;

import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.oauth.Grant;
import dev.twofold.oauth.TokenRequest;
import dev.twofold.oauth.TokenResponse;
import dev.twofold.server.ProtocolError;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code http://auth0.com/oauth/grant-type/mfa-recovery-code} grant: proves the user's
 * recovery code, spends it, and answers the tokens with a new {@code recovery_code} that the
 * app must show (BUG-10). Thread-safe.
 */
public final class RecoveryCodeGrant implements Grant {

    public static final String GRANT_TYPE =
            "http://auth0.com/oauth/grant-type/mfa-recovery-code";

    private final SecondFactorCompletion completion;
    private final RecoveryCodes recoveryCodes;

    public RecoveryCodeGrant(SecondFactorCompletion completion, RecoveryCodes recoveryCodes) {
        this.completion = completion;
        this.recoveryCodes = recoveryCodes;
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
        String entered = request.params().required("recovery_code");
        Authenticator entry = recoveryCodes.active(transaction.userId()).orElseThrow(() ->
                ProtocolError.of(400, "unsupported_challenge_type", "User does not have a"
                        + " recovery-code. Use another factor."));
        AtomicReference<String> next = new AtomicReference<>();
        TokenResponse response = completion.admitAndComplete(request, transaction, entry,
                List.of(), () -> RecoveryCodes.matches(entry, entered)
                        ? Optional.of(new SecondFactorCompletion.Proof(entry, handle -> {
                            Optional<String> rotated = recoveryCodes.rotate(handle, entry);
                            rotated.ifPresent(next::set);
                            return rotated.isPresent();
                        }))
                        : Optional.empty(),
                invalidCode());
        return response.withExtra("recovery_code", next.get());
    }

    private static ProtocolError invalidCode() {
        return ProtocolError.invalidGrant("Invalid recovery_code. Send the user's current"
                + " recovery code; each one works once and is replaced when used.");
    }
}
