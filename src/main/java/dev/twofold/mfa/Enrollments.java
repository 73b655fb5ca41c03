package dev.twofold.mfa;

import dev.twofold.crypto.Randoms;
import dev.twofold.delivery.Destinations;
import dev.twofold.delivery.PhoneNumbers;
import dev.twofold.mfa.totp.Base32;
import dev.twofold.mfa.totp.OtpAuthUri;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import java.util.Optional;

/**
 * Builds the unconfirmed authenticator of an enrollment, the one way both the MFA API
 * ({@code POST /mfa/associate}) and the hosted pages enroll: a fresh 160-bit TOTP key sealed
 * with the secret box, or a phone number normalised to E.164 and sealed, or an email address.
 * Nothing is stored here; the caller inserts it in its own transaction. Thread-safe.
 */
public final class Enrollments {

    /** TOTP keys are 160 bits (RFC 4226 §4 R6 recommends it). */
    private static final int SECRET_BYTES = 20;
    /** The length of the {@code authenticators.display_name} column. */
    private static final int MAX_NAME = 255;

    private final Services services;
    private final MfaSettings settings;
    private final PhoneNumbers phoneNumbers;

    public Enrollments(Services services, MfaSettings settings) {
        this.services = services;
        this.settings = settings;
        this.phoneNumbers = PhoneNumbers.from(services.settings());
    }

    /** A TOTP enrollment: the authenticator, its Base32 secret and its otpauth URI. */
    public record NewTotp(Authenticator authenticator, String secret, String barcodeUri) {
    }

    /** A new TOTP authenticator with a random key. */
    public NewTotp totp(MfaTransaction transaction) {
        String secret = Base32.encode(Randoms.bytes(SECRET_BYTES));
        Authenticator authenticator = pending(AuthenticatorKind.TOTP, transaction,
                Optional.of(services.secretBox().seal(Authenticator.SECRET_PURPOSE, secret)),
                Optional.empty(), Optional.empty(), Optional.empty());
        return new NewTotp(authenticator, secret, barcodeUri(transaction.userId(), secret));
    }

    /** The secret and URI of a stored TOTP authenticator, to show its enrollment again. */
    public NewTotp totpOf(Authenticator authenticator) {
        String secret = services.secretBox().open(Authenticator.SECRET_PURPOSE,
                authenticator.secretSealed().orElseThrow());
        return new NewTotp(authenticator, secret, barcodeUri(authenticator.userId(), secret));
    }

    /** A new SMS or voice authenticator; 400 {@code invalid_request} for a bad number. */
    public Authenticator phone(AuthenticatorKind kind, Optional<String> entered,
                               MfaTransaction transaction) {
        String phone = phoneNumbers.toE164(entered.orElseThrow(() ->
                ProtocolError.invalidRequest("phone_number is required for oob_channels "
                        + kind.factorName() + "; send it in E.164 form, e.g. +15555550100.")));
        return pending(kind, transaction, Optional.empty(),
                Optional.of(services.secretBox().seal(Authenticator.PHONE_PURPOSE, phone)),
                Optional.empty(), Optional.of(PhoneNumbers.mask(phone)));
    }

    /** A new email authenticator, to the address given or else the user's own. */
    public Authenticator email(Optional<String> entered, MfaTransaction transaction) {
        String email = entered
                .or(() -> services.users().find(transaction.userId()).flatMap(User::email))
                .map(String::trim)
                .orElseThrow(() -> ProtocolError.invalidRequest("email is required for"
                        + " oob_channels email: this user has no email address on file."));
        // The check the sender makes (GuardedSender), made before the enrollment is stored:
        // a longer address than the email column holds (320) was a database fault, a 500.
        if (!Destinations.isValidEmail(email)) {
            throw ProtocolError.invalidRequest("email is not an email address (received "
                    + email.length() + " characters" + (email.length() > 320
                    ? "; at most 320 are accepted" : "") + "); send one such as"
                    + " alice@example.com.");
        }
        return pending(AuthenticatorKind.EMAIL, transaction, Optional.empty(), Optional.empty(),
                Optional.of(email), Optional.of(maskedEmail(email)));
    }

    private Authenticator pending(AuthenticatorKind kind, MfaTransaction transaction,
                                  Optional<String> secret, Optional<String> phone,
                                  Optional<String> email, Optional<String> name) {
        return new Authenticator(AuthenticatorStore.newId(kind), transaction.userId(), kind,
                false, secret, phone, email, name, Optional.empty(), Optional.empty(),
                services.clock().millis(), Optional.of(transaction.id()));
    }

    /** An address safe to show: {@code a***@example.com}. */
    public static String maskedEmail(String email) {
        int at = email.indexOf('@');
        String masked = email.charAt(0) + "***" + email.substring(at);
        // The name column holds 255 characters; a long domain is shortened, not refused.
        return masked.length() <= MAX_NAME ? masked : masked.substring(0, MAX_NAME - 1) + "…";
    }

    private String barcodeUri(String userId, String secret) {
        return OtpAuthUri.of(issuerLabel(), account(userId), secret);
    }

    /** The issuer shown in authenticator apps. */
    private String issuerLabel() {
        return settings.productName()
                .or(() -> services.tenantSettings().get("friendly_name"))
                .filter(name -> !name.isBlank())
                .orElse("Twofold");
    }

    private String account(String userId) {
        return services.users().find(userId).flatMap(User::email).orElse(userId);
    }
}
