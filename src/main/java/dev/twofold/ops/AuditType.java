package dev.twofold.ops;

/**
 * The kinds of security event in the audit log, with Auth0's log event type codes where Auth0
 * has one, so that tools reading Auth0's tenant logs read ours. The full list, with meanings,
 * is in docs/operations.md; add a constant here (and a line there) for a new kind of event.
 */
public enum AuditType {
    SUCCESS_LOGIN("s", Outcome.SUCCESS, "Successful login"),
    FAILED_LOGIN("f", Outcome.FAILURE, "Failed login"),
    FAILED_LOGIN_PASSWORD("fp", Outcome.FAILURE, "Wrong password"),
    FAILED_LOGIN_USERNAME("fu", Outcome.FAILURE, "Unknown username or email"),
    BLOCKED_USER("fu_blocked", Outcome.FAILURE, "Login of a blocked user refused"),
    PASSWORD_LOCKED("limit_wc", Outcome.FAILURE,
            "Too many wrong passwords for this name from this IP address; logins blocked"),
    MFA_REQUIRED("mfar", Outcome.SUCCESS, "Second factor required"),
    SUCCESS_SIGNUP("ss", Outcome.SUCCESS, "Successful sign-up"),
    FAILED_SIGNUP("fs", Outcome.FAILURE, "Failed sign-up"),
    SUCCESS_LOGOUT("slo", Outcome.SUCCESS, "Successful logout"),
    SUCCESS_CODE_EXCHANGE("seacft", Outcome.SUCCESS,
            "Authorization code exchanged for tokens"),
    FAILED_CODE_EXCHANGE("feacft", Outcome.FAILURE, "Authorization code exchange failed"),
    SUCCESS_CLIENT_CREDENTIALS("seccft", Outcome.SUCCESS,
            "Client credentials exchanged for an access token"),
    FAILED_CLIENT_CREDENTIALS("feccft", Outcome.FAILURE, "Client credentials exchange failed"),
    SUCCESS_PASSWORD_EXCHANGE("sepft", Outcome.SUCCESS, "Password exchanged for tokens"),
    FAILED_PASSWORD_EXCHANGE("fepft", Outcome.FAILURE, "Password exchange failed"),
    SUCCESS_REFRESH("sertft", Outcome.SUCCESS, "Refresh token exchanged for tokens"),
    FAILED_REFRESH("fertft", Outcome.FAILURE, "Refresh token exchange failed"),
    REFRESH_TOKEN_REUSE("ferrt", Outcome.FAILURE,
            "Reuse of a rotated refresh token; its family was revoked"),
    REFRESH_TOKEN_REVOKED("srrt", Outcome.SUCCESS, "Refresh token revoked"),
    SUCCESS_OTP_EXCHANGE("seotpft", Outcome.SUCCESS, "MFA one-time password accepted"),
    FAILED_OTP_EXCHANGE("feotpft", Outcome.FAILURE, "MFA one-time password refused"),
    SUCCESS_OOB_EXCHANGE("seoobft", Outcome.SUCCESS, "MFA out-of-band code accepted"),
    FAILED_OOB_EXCHANGE("feoobft", Outcome.FAILURE, "MFA out-of-band code refused"),
    SUCCESS_RECOVERY_EXCHANGE("sercft", Outcome.SUCCESS, "MFA recovery code accepted"),
    FAILED_RECOVERY_EXCHANGE("fercft", Outcome.FAILURE, "MFA recovery code refused"),
    MFA_AUTH_SUCCEEDED("gd_auth_succeed", Outcome.SUCCESS, "Second factor verified"),
    MFA_AUTH_FAILED("gd_auth_failed", Outcome.FAILURE, "Second factor verification failed"),
    MFA_START_AUTH("gd_start_auth", Outcome.SUCCESS, "MFA challenge started"),
    MFA_START_ENROLL("gd_start_enroll", Outcome.SUCCESS, "MFA enrollment started"),
    MFA_ENROLLMENT_COMPLETE("gd_enrollment_complete", Outcome.SUCCESS,
            "MFA enrollment confirmed"),
    MFA_UNENROLL("gd_unenroll", Outcome.SUCCESS, "Authenticator removed"),
    MFA_OTP_RATE_LIMIT("gd_otp_rate_limit_exceed", Outcome.FAILURE,
            "Too many failed codes; the factor is locked for a while"),
    MFA_RECOVERY_SUCCEEDED("gd_recovery_succeed", Outcome.SUCCESS, "Recovery code used"),
    MFA_RECOVERY_FAILED("gd_recovery_failed", Outcome.FAILURE, "Recovery code refused"),
    MFA_RECOVERY_RATE_LIMIT("gd_recovery_rate_limit_exceed", Outcome.FAILURE,
            "Too many failed recovery codes; locked for a while"),
    MFA_SMS_SENT("gd_send_sms", Outcome.SUCCESS, "SMS code sent"),
    MFA_SMS_FAILED("gd_send_sms_failure", Outcome.FAILURE, "SMS code could not be sent"),
    MFA_VOICE_SENT("gd_send_voice", Outcome.SUCCESS, "Voice code sent"),
    MFA_VOICE_FAILED("gd_send_voice_failure", Outcome.FAILURE, "Voice code could not be sent"),
    MFA_EMAIL_SENT("gd_send_email", Outcome.SUCCESS, "Email code sent"),
    MFA_EMAIL_FAILED("gd_send_email_failure", Outcome.FAILURE, "Email code could not be sent"),
    SEND_RATE_LIMIT("gd_send_rate_limit_exceed", Outcome.FAILURE,
            "Too many messages requested; sending refused for a while"),
    MANAGEMENT_API_SUCCESS("sapi", Outcome.SUCCESS, "Management API operation"),
    MANAGEMENT_API_FAILURE("fapi", Outcome.FAILURE, "Failed Management API operation"),
    DELETED_USER("du", Outcome.SUCCESS, "User deleted"),
    SIGNING_KEY_ROTATED("signing_key_rotated", Outcome.SUCCESS, "Signing key rotated"),
    WARNING("w", Outcome.WARNING, "Warning");

    /** Whether the event reports something that worked, something refused, or a warning. */
    public enum Outcome { SUCCESS, FAILURE, WARNING }

    private final String code;
    private final Outcome outcome;
    private final String defaultDescription;

    AuditType(String code, Outcome outcome, String defaultDescription) {
        this.code = code;
        this.outcome = outcome;
        this.defaultDescription = defaultDescription;
    }

    /** The {@code type} field of the log entry, e.g. {@code s} or {@code gd_auth_failed}. */
    public String code() {
        return code;
    }

    public Outcome outcome() {
        return outcome;
    }

    public String defaultDescription() {
        return defaultDescription;
    }
}
