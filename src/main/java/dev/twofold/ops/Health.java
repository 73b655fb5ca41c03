package dev.twofold.ops;

import dev.twofold.server.Services;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The liveness and readiness checks. Live means the process answers; ready means it can serve
 * logins: the database answers, its schema is current, and signing keys are loaded. Thread-safe.
 */
public final class Health {

    private static final Logger LOG = LoggerFactory.getLogger(Health.class);

    private final Services services;

    Health(Services services) {
        this.services = services;
    }

    /** A health report: HTTP 200 when {@code up}, else 503; {@code body} is the JSON. */
    public record Report(boolean up, Map<String, Object> body) {

        public int httpStatus() {
            return up ? 200 : 503;
        }
    }

    /** The process is up and answering HTTP. */
    public Report live() {
        return new Report(true, Map.of("status", "UP"));
    }

    /** Database reachable, migrations current, signing keys loaded. */
    public Report ready() {
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("database", check("database", this::database));
        checks.put("migrations", check("migrations", this::migrations));
        checks.put("signing_keys", check("signing_keys", this::signingKeys));
        boolean up = checks.values().stream()
                .allMatch(check -> "UP".equals(((Map<?, ?>) check).get("status")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        return new Report(up, body);
    }

    private Map<String, Object> database() {
        return status(services.database().isReachable());
    }

    private Map<String, Object> migrations() {
        List<String> pending = services.database().pendingMigrations();
        Map<String, Object> result = status(pending.isEmpty());
        result.put("pending", pending);
        return result;
    }

    private Map<String, Object> signingKeys() {
        List<?> keys = (List<?>) services.signingKeys().jwks().get("keys");
        int count = keys == null ? 0 : keys.size();
        Map<String, Object> result = status(count > 0);
        result.put("keys", count);
        return result;
    }

    private static Map<String, Object> check(String name, Supplier<Map<String, Object>> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            // The probe's answer names the check; the operator's log has the cause.
            LOG.warn("Readiness check {} failed: {}", name, e.toString());
            Map<String, Object> down = status(false);
            down.put("error", "check failed; see the server log");
            return down;
        }
    }

    private static Map<String, Object> status(boolean up) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", up ? "UP" : "DOWN");
        return result;
    }
}
