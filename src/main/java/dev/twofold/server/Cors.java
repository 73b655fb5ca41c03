package dev.twofold.server;

import dev.twofold.store.Client;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * Cross-origin access for the endpoints a browser application calls directly: the token
 * endpoint, userinfo and the MFA API. An origin is allowed when some client lists it in its
 * allowed origins ({@code clients.allowed_origins}); any other origin gets no CORS headers, so
 * the browser keeps the answer from the page. Preflights are answered with 204. No cookies are
 * involved, so credentials are never allowed. Thread-safe.
 */
final class Cors {

    private static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Auth0-Client";
    private static final String MAX_AGE_SECONDS = "600";

    private Cors() {
    }

    static void install(Javalin app, Services services) {
        app.before(context -> {
            if (covers(context.path())) {
                allowOrigin(context, services);
            }
        });
        for (String path : new String[] {"/oauth/token", "/userinfo", "/mfa/<rest>"}) {
            app.options(path, context -> preflight(context));
        }
    }

    /** Whether a path is one of the endpoints that browsers may call cross-origin. */
    static boolean covers(String path) {
        return path.equals("/oauth/token") || path.equals("/userinfo")
                || path.startsWith("/mfa/");
    }

    private static void allowOrigin(Context context, Services services) {
        String origin = context.header("Origin");
        context.header("Vary", "Origin");
        if (origin == null || origin.isBlank() || !allowed(origin, services)) {
            return;
        }
        context.header("Access-Control-Allow-Origin", origin);
        context.header("Access-Control-Expose-Headers", "WWW-Authenticate, Retry-After");
    }

    private static void preflight(Context context) {
        context.status(204);
        if (context.res().getHeader("Access-Control-Allow-Origin") == null) {
            return;
        }
        context.header("Access-Control-Allow-Methods", ALLOWED_METHODS);
        context.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        context.header("Access-Control-Max-Age", MAX_AGE_SECONDS);
    }

    private static boolean allowed(String origin, Services services) {
        String wanted = normalise(origin);
        for (Client client : services.clients().list()) {
            for (String listed : client.allowedOrigins()) {
                if (normalise(listed).equals(wanted)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String normalise(String origin) {
        String trimmed = origin.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }
}
