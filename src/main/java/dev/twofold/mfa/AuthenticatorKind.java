package dev.twofold.mfa;

import dev.twofold.delivery.Channel;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The kinds of authenticator, with the names each surface uses for them: the id prefix
 * ({@code totp|dev_…}), Auth0's {@code authenticator_type}, {@code oob_channel} and
 * {@code mfa_requirements} type, the tenant factor name, and the RFC 8176 {@code amr} value.
 */
// Known gap: no Guardian push ("auth0" channel), and enrolling sms does not add a voice twin.
public enum AuthenticatorKind {
    TOTP("totp", "otp", null, "otp", "otp", List.of("otp")),
    SMS("sms", "oob", Channel.SMS, "phone", "sms", List.of("sms")),
    VOICE("voice", "oob", Channel.VOICE, "phone", "voice", List.of("tel")),
    // RFC 8176 has no value for email; an emailed code is a one-time password.
    EMAIL("email", "oob", Channel.EMAIL, "email", "email", List.of("otp")),
    // A recovery code is a look-up secret, for which RFC 8176 has no value: amr gets only mfa.
    RECOVERY_CODE("recovery-code", "recovery-code", null, "recovery-code", "recovery-code",
            List.of());

    private final String idPrefix;
    private final String authenticatorType;
    private final Channel channel;
    private final String requirementType;
    private final String factorName;
    private final List<String> amr;

    AuthenticatorKind(String idPrefix, String authenticatorType, Channel channel,
                      String requirementType, String factorName, List<String> amr) {
        this.idPrefix = idPrefix;
        this.authenticatorType = authenticatorType;
        this.channel = channel;
        this.requirementType = requirementType;
        this.factorName = factorName;
        this.amr = amr;
    }

    /** The kind stored in the {@code kind} column and used as the id prefix. */
    public String idPrefix() {
        return idPrefix;
    }

    /** Auth0's {@code authenticator_type}: {@code otp}, {@code oob} or {@code recovery-code}. */
    public String authenticatorType() {
        return authenticatorType;
    }

    /** The delivery channel of an out-of-band kind. */
    public Optional<Channel> channel() {
        return Optional.ofNullable(channel);
    }

    public boolean isOutOfBand() {
        return channel != null;
    }

    /** The {@code type} of {@code mfa_requirements} and of the authenticator list. */
    public String requirementType() {
        return requirementType;
    }

    /** The factor name of the tenant settings {@code factor.<name>.enabled}. */
    public String factorName() {
        return factorName;
    }

    /** The RFC 8176 methods a verification with this kind proves. */
    public List<String> amr() {
        return amr;
    }

    public static AuthenticatorKind fromColumn(String value) {
        return Arrays.stream(values()).filter(kind -> kind.idPrefix.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalStateException("Unknown authenticator kind"));
    }

    /** The out-of-band kind for an Auth0 {@code oob_channels} value. */
    public static Optional<AuthenticatorKind> fromChannel(String wireName) {
        return Arrays.stream(values())
                .filter(kind -> kind.channel != null && kind.channel.wireName().equals(wireName))
                .findFirst();
    }
}
