package dev.twofold.ops;

import com.nimbusds.jwt.SignedJWT;
import dev.twofold.oauth.AccessTokenVerifier;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.text.ParseException;
import java.util.Set;

/**
 * Audits every changing Management API request ({@code POST}, {@code PUT}, {@code PATCH},
 * {@code DELETE} under {@code /api/v2/}): {@code sapi} when it succeeded, {@code fapi} when it
 * was refused, unless the endpoint recorded a more specific event itself.
 */
final class ManagementApiAudit {

    private static final Set<HandlerType> CHANGES =
            Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

    private ManagementApiAudit() {
    }

    static void install(Javalin app, AuditLog auditLog) {
        app.after("/api/v2/*", context -> record(context, auditLog));
    }

    private static void record(Context context, AuditLog auditLog) {
        boolean audited = RequestIds.request().map(current -> current.audited).orElse(false);
        if (!CHANGES.contains(context.method()) || audited) {
            return;
        }
        boolean succeeded = context.status().getCode() < 400;
        AuditEvent.Builder event = AuditEvent.of(succeeded ? AuditType.MANAGEMENT_API_SUCCESS
                        : AuditType.MANAGEMENT_API_FAILURE)
                .description(context.method() + " " + context.path())
                .detail("status", context.status().getCode());
        if (succeeded) {
            // The endpoint verified the token before it succeeded; only its client is read.
            clientOf(context).ifPresent(event::client);
        }
        auditLog.record(event.build());
    }

    private static java.util.Optional<String> clientOf(Context context) {
        return AccessTokenVerifier.bearerToken(context).flatMap(token -> {
            try {
                Object clientId = SignedJWT.parse(token).getJWTClaimsSet().getClaim("client_id");
                return java.util.Optional.ofNullable(clientId).map(Object::toString);
            } catch (ParseException e) {
                return java.util.Optional.empty();
            }
        });
    }
}
