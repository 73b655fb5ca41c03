package dev.twofold.mfa;

import java.util.Optional;

/**
 * One enrolled, or being enrolled, factor of a user. Secrets stay sealed here: the TOTP secret
 * and the phone number are AES-GCM ciphertexts, the recovery code a SHA-256 digest.
 *
 * @param enrollmentTransactionId the MFA transaction that created an unconfirmed authenticator;
 *     only that transaction can confirm it
 */
public record Authenticator(
        String id,
        String userId,
        AuthenticatorKind kind,
        boolean active,
        Optional<String> secretSealed,
        Optional<String> phoneSealed,
        Optional<String> email,
        Optional<String> displayName,
        Optional<String> codeHash,
        Optional<Long> lastUsedStep,
        long createdAt,
        Optional<String> enrollmentTransactionId) {

    /** Column purposes for {@link dev.twofold.crypto.SecretBox}. */
    public static final String SECRET_PURPOSE = "authenticators.secret_enc";
    public static final String PHONE_PURPOSE = "authenticators.phone_enc";

    /** Whether this unconfirmed authenticator may be confirmed by the given transaction. */
    public boolean confirmableBy(MfaTransaction transaction) {
        return !active && enrollmentTransactionId.map(transaction.id()::equals).orElse(false);
    }
}
