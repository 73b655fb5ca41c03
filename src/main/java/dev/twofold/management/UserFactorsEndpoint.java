package dev.twofold.management;

import static dev.twofold.management.ManagementScopes.DELETE_AUTHENTICATION_METHODS;
import static dev.twofold.management.ManagementScopes.DELETE_GUARDIAN_ENROLLMENTS;
import static dev.twofold.management.ManagementScopes.READ_AUTHENTICATION_METHODS;
import static dev.twofold.management.ManagementScopes.READ_USERS;
import static dev.twofold.management.ManagementScopes.UPDATE_USERS;

import dev.twofold.mfa.MfaAudit;
import dev.twofold.mfa.device.RememberedDeviceStore;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user's MFA from the administrator's side: {@code /api/v2/users/{id}/enrollments},
 * {@code …/authentication-methods} (list, delete one, delete all), {@code …/authenticators}
 * (delete all) and {@code …/recovery-code-regeneration}. Thread-safe.
 */
final class UserFactorsEndpoint {

    private final Services services;
    private final Users users;
    private final UserFactors factors;
    private final RecoveryCodeRegeneration regeneration;
    private final MfaAudit audit;

    UserFactorsEndpoint(Services services, Users users, RecoveryCodeRegeneration regeneration) {
        this.services = services;
        this.users = users;
        this.factors = new UserFactors(services);
        this.regeneration = regeneration;
        this.audit = new MfaAudit(services);
    }

    /** Replaces a user's recovery code, returning the new one; empty without any factor. */
    interface RecoveryCodeRegeneration {
        Optional<String> regenerate(String userId);
    }

    void register(ManagementRoutes routes) {
        routes.get("/users/{id}/enrollments", READ_USERS, this::enrollments);
        routes.get("/users/{id}/authentication-methods", READ_AUTHENTICATION_METHODS,
                this::methods);
        routes.delete("/users/{id}/authentication-methods/{method}",
                DELETE_AUTHENTICATION_METHODS, this::deleteMethod);
        routes.delete("/users/{id}/authentication-methods", DELETE_AUTHENTICATION_METHODS,
                this::deleteAll);
        routes.delete("/users/{id}/authenticators", DELETE_GUARDIAN_ENROLLMENTS,
                this::deleteAll);
        routes.post("/users/{id}/recovery-code-regeneration", UPDATE_USERS, this::regenerate);
        routes.delete("/users/{id}/remembered-devices", UPDATE_USERS, this::forgetDevices);
    }

    private String existingUser(Context context) {
        return users.existing(UsersEndpoint.userId(context)).userId();
    }

    /** Auth0's Guardian enrollments: every factor but the recovery code. */
    private void enrollments(Context context) {
        String userId = existingUser(context);
        context.json(factors.list(userId).stream()
                .filter(factor -> !factor.kind().equals(UserFactors.RECOVERY_CODE))
                .map(this::enrollment).toList());
    }

    private void methods(Context context) {
        String userId = existingUser(context);
        Paging paging = Paging.from(context);
        List<UserFactors.Factor> all = factors.list(userId);
        context.json(paging.answer("authenticators", paging.slice(all).stream()
                .map(this::method).toList(), all.size()));
    }

    private void deleteMethod(Context context) {
        String userId = existingUser(context);
        String methodId = context.pathParam("method").replace("%7C", "|").replace("%7c", "|");
        if (!factors.delete(userId, methodId)) {
            throw ManagementErrors.notFound("authentication_method", "User " + userId
                    + " has no authentication method " + methodId + " (the recovery code is"
                    + " removed with the last factor, or regenerated); list them with"
                    + " GET /api/v2/users/{id}/authentication-methods.");
        }
        audit.removed(userId, methodId, ManagementRoutes.clientId(context));
        context.status(204);
    }

    private void deleteAll(Context context) {
        String userId = existingUser(context);
        factors.deleteAll(userId).forEach(id ->
                audit.removed(userId, id, ManagementRoutes.clientId(context)));
        context.status(204);
    }

    /** Ends every remembered browser and device_token of the user (hosted-login.md). */
    private void forgetDevices(Context context) {
        new RememberedDeviceStore(services).revokeAll(existingUser(context));
        context.status(204);
    }

    private void regenerate(Context context) {
        String userId = existingUser(context);
        String code = regeneration.regenerate(userId).orElseThrow(() ->
                ManagementErrors.invalidBody("User " + userId + " has no confirmed MFA"
                        + " factor, so no recovery code to regenerate; the first enrollment"
                        + " creates one."));
        context.json(Map.of("recovery_code", code));
    }

    private Map<String, Object> enrollment(UserFactors.Factor factor) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", factor.id());
        body.put("status", factor.active() ? "confirmed" : "pending");
        body.put("type", factor.kind().equals("totp") ? "authenticator" : factor.kind());
        factor.displayName().ifPresent(name -> body.put("name", name));
        factors.phone(factor).ifPresent(phone -> body.put("phone_number", phone));
        factor.email().ifPresent(email -> body.put("identifier", email));
        body.put("auth_method", factor.kind().equals("totp") ? "authenticator"
                : factor.kind());
        body.put("enrolled_at", Paging.time(factor.confirmedAt().orElse(factor.createdAt())));
        factor.lastAuthAt().ifPresent(time -> body.put("last_auth", Paging.time(time)));
        return body;
    }

    private Map<String, Object> method(UserFactors.Factor factor) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", factor.id());
        body.put("type", methodType(factor.kind()));
        body.put("confirmed", factor.active());
        factor.displayName().ifPresent(name -> body.put("name", name));
        factors.phone(factor).ifPresent(phone -> body.put("phone_number", phone));
        factor.email().ifPresent(email -> body.put("email", email));
        if (factor.kind().equals("sms") || factor.kind().equals("voice")) {
            body.put("preferred_authentication_method", factor.kind());
            body.put("authentication_methods", List.of(Map.of("id", factor.id(),
                    "type", factor.kind())));
        }
        body.put("created_at", Paging.time(factor.createdAt()));
        factor.confirmedAt().ifPresent(time -> body.put("enrolled_at", Paging.time(time)));
        factor.lastAuthAt().ifPresent(time -> body.put("last_auth_at", Paging.time(time)));
        return body;
    }

    /** Auth0's authentication method types. */
    private static String methodType(String kind) {
        return switch (kind) {
            case "sms", "voice" -> "phone";
            default -> kind;
        };
    }
}
