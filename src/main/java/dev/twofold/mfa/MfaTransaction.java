package dev.twofold.mfa;

import dev.twofold.oauth.Authentication;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A login waiting for its second factor (behind an {@code mfa_token}), or a step-up started by
 * an access token for the MFA audience (DESIGN §1.1): the authentication that tokens will be
 * issued for once a factor is proved.
 *
 * @param kind {@link Kind#LOGIN} transactions are spent when tokens are issued;
 *     {@link Kind#STEP_UP} transactions live as long as their access token, and every
 *     issuance from them needs a freshly proved factor
 */
public record MfaTransaction(
        String id,
        Kind kind,
        String userId,
        String clientId,
        Optional<String> audience,
        Set<String> scope,
        List<String> amr,
        Optional<String> acr,
        Instant authTime,
        Optional<String> nonce,
        Instant expiresAt,
        Optional<Instant> consumedAt) {

    /** What started the transaction. */
    public enum Kind { LOGIN, STEP_UP }

    public MfaTransaction {
        scope = Set.copyOf(scope);
        amr = List.copyOf(amr);
    }

    /** The authentication the transaction stands for, before the second factor. */
    public Authentication authentication() {
        return new Authentication(userId, clientId, audience, scope, amr, acr, authTime, nonce);
    }

    public boolean isStepUp() {
        return kind == Kind.STEP_UP;
    }
}
