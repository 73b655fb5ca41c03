package dev.twofold.management;

import static dev.twofold.management.ManagementScopes.CREATE_ENROLLMENT_TICKETS;
import static dev.twofold.management.ManagementScopes.READ_GUARDIAN_FACTORS;
import static dev.twofold.management.ManagementScopes.READ_MFA_POLICIES;
import static dev.twofold.management.ManagementScopes.UPDATE_GUARDIAN_FACTORS;
import static dev.twofold.management.ManagementScopes.UPDATE_MFA_POLICIES;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Auth0's Guardian settings: which factors are on ({@code /api/v2/guardian/factors}, tenant
 * settings {@code factor.<name>.enabled}), the MFA policy ({@code /api/v2/guardian/policies},
 * tenant setting {@code mfa_policy}) and enrollment tickets. Thread-safe.
 */
final class GuardianEndpoint {

    /** The factors Twofold has, with their defaults (docs/architecture.md, tenant settings). */
    static final Map<String, Boolean> FACTORS = defaults();
    static final String ALL_APPLICATIONS = "all-applications";
    /** How long an enrollment ticket can be used. */
    static final Duration TICKET_LIFETIME = Duration.ofDays(5);
    private static final Set<String> TICKET_FIELDS = Set.of("user_id", "email", "send_mail",
            "email_locale", "factor", "allow_multiple_enrollments");

    private final Services services;
    private final Users users;

    GuardianEndpoint(Services services, Users users) {
        this.services = services;
        this.users = users;
    }

    private static Map<String, Boolean> defaults() {
        Map<String, Boolean> factors = new LinkedHashMap<>();
        factors.put("sms", true);
        factors.put("voice", false);
        factors.put("email", true);
        factors.put("otp", true);
        factors.put("recovery-code", true);
        return java.util.Collections.unmodifiableMap(factors);
    }

    void register(ManagementRoutes routes) {
        routes.get("/guardian/factors", READ_GUARDIAN_FACTORS, this::factors);
        routes.put("/guardian/factors/{name}", UPDATE_GUARDIAN_FACTORS, this::setFactor);
        routes.get("/guardian/policies", READ_MFA_POLICIES, this::policies);
        routes.put("/guardian/policies", UPDATE_MFA_POLICIES, this::setPolicies);
        routes.post("/guardian/enrollments/ticket", CREATE_ENROLLMENT_TICKETS, this::ticket);
    }

    private void factors(Context context) {
        context.json(FACTORS.keySet().stream().map(name -> Map.of("name", name,
                "enabled", enabled(name), "trial_expired", false)).toList());
    }

    private boolean enabled(String name) {
        return Boolean.parseBoolean(services.tenantSettings().get("factor." + name + ".enabled",
                String.valueOf(FACTORS.get(name))));
    }

    private void setFactor(Context context) {
        String name = context.pathParam("name");
        if (!FACTORS.containsKey(name)) {
            throw ManagementErrors.notFound("factor", "Twofold has no factor " + name
                    + "; the factors are " + FACTORS.keySet() + ".");
        }
        boolean enabled = JsonBody.parse(context, Set.of("enabled")).bool("enabled")
                .orElseThrow(() -> ManagementErrors.invalidBody("Payload validation error:"
                        + " missing required field enabled; send {\"enabled\":true}."));
        services.tenantSettings().put("factor." + name + ".enabled", String.valueOf(enabled));
        context.json(Map.of("enabled", enabled));
    }

    private void policies(Context context) {
        boolean always = ALL_APPLICATIONS.equals(services.tenantSettings()
                .get("mfa_policy", "never"));
        context.json(always ? List.of(ALL_APPLICATIONS) : List.of());
    }

    private void setPolicies(Context context) {
        JsonNode body = JsonBody.parseAny(context);
        if (!body.isArray() || body.size() > 1
                || (body.size() == 1 && !ALL_APPLICATIONS.equals(body.get(0).asText(null)))) {
            throw ManagementErrors.invalidBody("The MFA policy must be [\"all-applications\"]"
                    + " (ask every user for a second factor) or [] (never); received " + body
                    + ". Twofold does not have confidence-score.");
        }
        String policy = body.isEmpty() ? "never" : ALL_APPLICATIONS;
        services.tenantSettings().put("mfa_policy", policy);
        context.json(body.isEmpty() ? List.of() : List.of(ALL_APPLICATIONS));
    }

    private void ticket(Context context) {
        JsonBody body = JsonBody.parse(context, TICKET_FIELDS);
        String userId = users.existing(body.requiredString("user_id")).userId();
        if (body.bool("send_mail").orElse(false)) {
            throw ManagementErrors.invalidBody("Twofold does not email enrollment tickets"
                    + " yet; send send_mail=false and give the ticket_url to the user.");
        }
        body.string("factor").ifPresent(factor -> Clients.checkOneOf("factor", factor,
                FACTORS.keySet()));
        String ticket = Randoms.token("et_");
        String ticketId = Randoms.id("etk_");
        long now = services.clock().millis();
        services.database().inTransaction(handle -> handle.createUpdate(
                "INSERT INTO enrollment_tickets (id, ticket_hash, user_id, created_at,"
                        + " expires_at) VALUES (:id, :hash, :userId, :now, :expires)")
                .bind("id", ticketId).bind("hash", Randoms.sha256(ticket))
                .bind("userId", userId).bind("now", now)
                .bind("expires", now + TICKET_LIFETIME.toMillis()).execute());
        // Known gap: no page serves ticket_url yet, so a ticket is stored but cannot be redeemed.
        context.json(Map.of("ticket_id", ticketId, "ticket_url", services.issuer()
                + "guardian/enrollment-ticket?ticket=" + ticket));
    }
}
