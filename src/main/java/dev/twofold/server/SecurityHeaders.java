package dev.twofold.server;

import io.javalin.Javalin;

/**
 * Headers every response carries: no sniffing, no framing, no referrer leaks. Hosted pages set
 * their own Content-Security-Policy on top.
 */
final class SecurityHeaders {

    private SecurityHeaders() {
    }

    static void install(Javalin app) {
        app.before(context -> {
            context.header("X-Content-Type-Options", "nosniff");
            context.header("X-Frame-Options", "DENY");
            context.header("Referrer-Policy", "no-referrer");
        });
    }
}
