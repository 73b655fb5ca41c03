package dev.twofold.server;

import dev.twofold.store.Client;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Cross-origin access for the endpoints a browser application calls directly: the token
 * endpoint, userinfo and the MFA API. A preflight (which carries no client) is allowed when
 * some client lists the origin in its allowed origins ({@code clients.allowed_origins}); the
 * actual answer is readable cross-origin only when the calling client lists the origin. The
 * calling client is the one the endpoint authenticated or whose token it accepted, recorded
 * with {@link #callingClient}; answers without one (a failed client authentication, an
 * unknown token) get no CORS headers, so the browser keeps them from the page. No cookies are
 * involved, so credentials are never allowed. Thread-safe.
 */
public final class Cors {

    private static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Auth0-Client";
    private static final String MAX_AGE_SECONDS = "600";
    private static final String CLIENT_ATTRIBUTE = "twofold.cors.client";

    private Cors() {
    }

    static void install(Javalin app, Services services) {
        app.before(context -> {
            if (covers(context.path())) {
                context.header("Vary", "Origin");
                if (context.method() == HandlerType.OPTIONS) {
                    allowOrigin(context, origin -> listedByAnyClient(origin, services));
                }
            }
        });
        app.after(context -> {
            if (covers(context.path()) && context.method() != HandlerType.OPTIONS) {
                allowOrigin(context, origin -> listedByCallingClient(context, origin,
                        services));
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

    /** Records the client a request speaks for, once an endpoint has established it. */
    public static void callingClient(Context context, String clientId) {
        context.attribute(CLIENT_ATTRIBUTE, clientId);
    }

    private static void allowOrigin(Context context, Predicate<String> allowed) {
        String origin = context.header("Origin");
        if (origin == null || origin.isBlank() || !allowed.test(origin)) {
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

    private static boolean listedByAnyClient(String origin, Services services) {
        return services.clients().list().stream().anyMatch(client -> lists(client, origin));
    }

    /** One read of one client by its key, and only for cross-origin answers. */
    private static boolean listedByCallingClient(Context context, String origin,
                                                 Services services) {
        String clientId = context.attribute(CLIENT_ATTRIBUTE);
        return clientId != null && services.clients().find(clientId)
                .filter(client -> lists(client, origin)).isPresent();
    }

    private static boolean lists(Client client, String origin) {
        String wanted = normalise(origin);
        return client.allowedOrigins().stream().anyMatch(listed ->
                normalise(listed).equals(wanted));
    }

    private static String normalise(String origin) {
        String trimmed = origin.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }
}
