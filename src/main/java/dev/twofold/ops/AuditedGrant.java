package dev.twofold.ops;

import dev.twofold.oauth.Grant;
import dev.twofold.oauth.TokenRequest;
import dev.twofold.oauth.TokenResponse;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import java.util.Map;
import java.util.Optional;

/**
 * Wraps a grant of the token endpoint to count and audit its outcome: a login, an
 * {@code mfa_required}, a second-factor verification, a refresh. A module that records a more
 * specific audit event during the same request (say, refresh-token reuse) wins: this wrapper
 * then adds no entry of its own, only the meters. A refusal names its user and a more precise
 * event type through {@link ProtocolError#subject()} and {@link ProtocolError#auditType()},
 * set where it is raised (a wrong password is {@code fp}, an {@code mfa_required} names the
 * user whose password was right). Thread-safe.
 */
final class AuditedGrant implements Grant {

    private static final String AUTH0 = "http://auth0.com/oauth/grant-type/";

    /** How one grant type is audited and counted. */
    private record Kind(AuditType success, AuditType failure, boolean login,
                        Optional<String> factor) {
    }

    private static final Map<String, Kind> KINDS = Map.of(
            "password", login(),
            AUTH0 + "password-realm", login(),
            "refresh_token", plain(AuditType.SUCCESS_REFRESH, AuditType.FAILED_REFRESH),
            "client_credentials", plain(AuditType.SUCCESS_CLIENT_CREDENTIALS,
                    AuditType.FAILED_CLIENT_CREDENTIALS),
            "authorization_code", plain(AuditType.SUCCESS_CODE_EXCHANGE,
                    AuditType.FAILED_CODE_EXCHANGE),
            AUTH0 + "mfa-otp", factor(AuditType.SUCCESS_OTP_EXCHANGE,
                    AuditType.FAILED_OTP_EXCHANGE, "otp"),
            AUTH0 + "mfa-oob", factor(AuditType.SUCCESS_OOB_EXCHANGE,
                    AuditType.FAILED_OOB_EXCHANGE, "oob"),
            AUTH0 + "mfa-recovery-code", factor(AuditType.SUCCESS_RECOVERY_EXCHANGE,
                    AuditType.FAILED_RECOVERY_EXCHANGE, "recovery-code"));

    private final Grant grant;
    private final Kind kind;
    private final AuditLog auditLog;
    private final Metrics metrics;

    private AuditedGrant(Grant grant, Kind kind, Services services) {
        this.grant = grant;
        this.kind = kind;
        this.auditLog = services.auditLog();
        this.metrics = services.metrics();
    }

    /** Wraps every grant of a known type that is not wrapped yet. */
    static void wrapAll(Services services) {
        KINDS.forEach((grantType, kind) -> services.grant(grantType)
                .filter(grant -> !(grant instanceof AuditedGrant))
                .ifPresent(grant -> services.addGrant(new AuditedGrant(grant, kind, services))));
    }

    @Override
    public String grantType() {
        return grant.grantType();
    }

    @Override
    public TokenResponse handle(TokenRequest request) {
        boolean auditedBefore = audited();
        try {
            TokenResponse response = grant.handle(request);
            succeeded(request, response, auditedBefore);
            return response;
        } catch (ProtocolError error) {
            failed(request, error, auditedBefore);
            throw error;
        }
    }

    private void succeeded(TokenRequest request, TokenResponse response, boolean auditedBefore) {
        if (kind.login()) {
            metrics.login("success");
        }
        kind.factor().ifPresent(factor -> metrics.verification(factor, "success"));
        if (audited() == auditedBefore) {
            AuditEvent.Builder event = event(kind.success(), request);
            if (!grantType().equals("client_credentials")) {
                event.user(response.subject());
            }
            auditLog.record(event.build());
        }
    }

    private void failed(TokenRequest request, ProtocolError error, boolean auditedBefore) {
        AuditType type = failureType(error);
        if (type == null) {
            return;
        }
        if (kind.login()) {
            metrics.login(type == AuditType.MFA_REQUIRED ? "mfa_required" : "failure");
        }
        if (type == AuditType.MFA_REQUIRED) {
            metrics.mfaRequired();
        }
        kind.factor().filter(factor -> type != AuditType.MFA_REQUIRED)
                .ifPresent(factor -> metrics.verification(factor, "failure"));
        if (audited() == auditedBefore) {
            AuditEvent.Builder event = event(type, request).description(error.description())
                    .detail("error", error.error());
            error.subject().ifPresent(event::user);
            auditLog.record(event.build());
        }
    }

    /** The event type of a refusal, or null for answers that are not failures. */
    private AuditType failureType(ProtocolError error) {
        return switch (error.error()) {
            case "mfa_required" -> AuditType.MFA_REQUIRED;
            // A client polling for an out-of-band confirmation has not failed.
            case "authorization_pending", "slow_down" -> null;
            default -> error.auditType().orElse(kind.failure());
        };
    }

    private AuditEvent.Builder event(AuditType type, TokenRequest request) {
        AuditEvent.Builder event = AuditEvent.of(type).client(request.client().clientId())
                .ip(request.remoteAddress()).detail("grant_type", grantType());
        request.params().single("audience").ifPresent(audience ->
                event.detail("audience", audience));
        if (kind.login()) {
            request.params().single("username").ifPresent(name -> event.detail("user_name",
                    name.length() <= 320 ? name : name.substring(0, 320)));
        }
        return event;
    }

    private static boolean audited() {
        return RequestIds.request().map(current -> current.audited).orElse(false);
    }

    private static Kind login() {
        return new Kind(AuditType.SUCCESS_LOGIN, AuditType.FAILED_LOGIN, true, Optional.empty());
    }

    private static Kind plain(AuditType success, AuditType failure) {
        return new Kind(success, failure, false, Optional.empty());
    }

    private static Kind factor(AuditType success, AuditType failure, String factor) {
        return new Kind(success, failure, false, Optional.of(factor));
    }
}
