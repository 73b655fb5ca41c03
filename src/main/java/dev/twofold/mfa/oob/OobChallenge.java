package dev.twofold.mfa.oob;

import java.time.Instant;
import java.util.Optional;

/**
 * An out-of-band code that was sent: bound to one {@code oob_code}, one authenticator and one
 * MFA transaction; the code itself is stored only as its SHA-256.
 */
public record OobChallenge(
        String id,
        String transactionId,
        String authenticatorId,
        String bindingCodeHash,
        Instant expiresAt,
        Optional<Instant> usedAt) {
}
