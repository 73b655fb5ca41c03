package dev.twofold.mfa;

import dev.twofold.ops.AuditEvent;
import dev.twofold.ops.AuditType;
import dev.twofold.server.Services;
import java.util.Optional;

/**
 * The audit entries of the MFA steps, one method per step, called by the step that both doors
 * share (the MFA API and the hosted pages): enrollment started and confirmed, challenge
 * started, factor verified or refused, authenticator removed. Each entry names the user, the
 * client, the authenticator's id and type and, for out-of-band factors, the masked
 * destination; never a code, a secret or a phone number in clear. IP address and user agent
 * come from the request being answered. Thread-safe.
 */
public final class MfaAudit {

    private final Services services;

    public MfaAudit(Services services) {
        this.services = services;
    }

    /** {@code gd_start_enroll}: an unconfirmed authenticator was stored. */
    public void enrollmentStarted(MfaTransaction transaction, Authenticator authenticator) {
        record(AuditType.MFA_START_ENROLL, transaction, authenticator);
    }

    /** {@code gd_enrollment_complete}: its first code was proved, so it is active now. */
    public void enrollmentConfirmed(MfaTransaction transaction, Authenticator authenticator) {
        record(AuditType.MFA_ENROLLMENT_COMPLETE, transaction, authenticator);
    }

    /** {@code gd_start_auth}: a challenge was started (for out-of-band factors, a code sent). */
    public void challengeStarted(MfaTransaction transaction, Authenticator authenticator) {
        record(AuditType.MFA_START_AUTH, transaction, authenticator);
    }

    /** {@code gd_auth_succeed}, or {@code gd_recovery_succeed} for a recovery code. */
    public void verified(MfaTransaction transaction, Authenticator authenticator) {
        record(isRecovery(authenticator) ? AuditType.MFA_RECOVERY_SUCCEEDED
                : AuditType.MFA_AUTH_SUCCEEDED, transaction, authenticator);
    }

    /** {@code gd_auth_failed}, or {@code gd_recovery_failed} for a recovery code. */
    public void refused(MfaTransaction transaction, Authenticator authenticator) {
        record(isRecovery(authenticator) ? AuditType.MFA_RECOVERY_FAILED
                : AuditType.MFA_AUTH_FAILED, transaction, authenticator);
    }

    /**
     * {@code gd_unenroll}: an authenticator was removed by {@code clientId}, the user's
     * application or a Management API client. As the outcome of the request, it stands in for
     * the Management API's general {@code sapi} entry.
     */
    public void removed(String userId, String authenticatorId, String clientId) {
        AuditEvent.Builder event = AuditEvent.of(AuditType.MFA_UNENROLL).user(userId)
                .client(clientId).detail("authenticator_id", authenticatorId)
                .detail("authenticator_type", typeOf(authenticatorId)).outcomeOfRequest();
        services.auditLog().record(event.build());
    }

    private void record(AuditType type, MfaTransaction transaction,
                        Authenticator authenticator) {
        AuditEvent.Builder event = AuditEvent.of(type).user(transaction.userId())
                .client(transaction.clientId())
                .detail("authenticator_id", authenticator.id())
                .detail("authenticator_type", authenticator.kind().factorName())
                .detail("mfa_transaction", transaction.isStepUp() ? "step-up" : "login");
        destination(authenticator).ifPresent(masked -> event.detail("destination", masked));
        services.auditLog().record(event.build());
    }

    /** The masked phone number or address of an out-of-band factor, as enrollment stored it. */
    private static Optional<String> destination(Authenticator authenticator) {
        return authenticator.kind().isOutOfBand() ? authenticator.displayName()
                : Optional.empty();
    }

    private static boolean isRecovery(Authenticator authenticator) {
        return authenticator.kind() == AuthenticatorKind.RECOVERY_CODE;
    }

    /** The factor named by an id's prefix ({@code totp|dev_…} is {@code otp}). */
    private static String typeOf(String authenticatorId) {
        String prefix = authenticatorId.split("\\|", 2)[0];
        for (AuthenticatorKind kind : AuthenticatorKind.values()) {
            if (kind.idPrefix().equals(prefix)) {
                return kind.factorName();
            }
        }
        return "unknown";
    }
}
