package dev.twofold.ops;

import dev.twofold.server.Services;
import java.util.Map;

/**
 * Counts and audits the start of a second-factor lock ({@code twofold_mfa_lockouts_total},
 * {@code gd_otp_rate_limit_exceed}): once per locked subject, the user or one authenticator.
 */
public final class Lockouts {

    // Authenticator ids start with their kind, e.g. "totp|dev_…"; the label names the factor.
    private static final Map<String, String> FACTORS = Map.of("totp", "otp", "otp", "otp",
            "sms", "sms", "voice", "voice", "email", "email", "recovery-code", "recovery-code");

    private Lockouts() {
    }

    /** Records a lock of {@code user:<id>} or {@code authenticator:<id>}. */
    public static void record(Services services, String subject) {
        boolean user = subject.startsWith("user:");
        String id = subject.substring(subject.indexOf(':') + 1);
        String factor = user ? "any" : FACTORS.getOrDefault(id.split("\\|", 2)[0], "other");
        services.metrics().lockout(factor);
        AuditEvent.Builder event = AuditEvent.of(AuditType.MFA_OTP_RATE_LIMIT)
                .detail("locked", user ? "user" : "authenticator").detail("factor", factor)
                .outcomeOfRequest();
        if (user) {
            event.user(id);
        } else {
            event.detail("authenticator_id", id);
        }
        services.auditLog().record(event.build());
    }
}
