package dev.twofold.ops;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Times every HTTP request: {@code http_server_requests_seconds{method,uri,status}} with a
 * latency histogram. {@code uri} is the route template ({@code /api/v2/logs/{id}}), never the
 * raw path, and {@code NOT_FOUND} for paths no route matched, so the number of series stays
 * bounded whatever clients send.
 */
final class HttpMetrics {

    private static final String STARTED = "twofold.ops.started";

    private HttpMetrics() {
    }

    static void install(Javalin app, MeterRegistry registry) {
        app.before(context -> context.attribute(STARTED, System.nanoTime()));
        app.after(context -> record(context, registry));
    }

    private static void record(Context context, MeterRegistry registry) {
        Long started = context.attribute(STARTED);
        if (started == null) {
            return;
        }
        Timer.builder("http.server.requests")
                .description("HTTP requests by route template, method and status class")
                .tag("method", context.method().name())
                .tag("uri", routeTemplate(context))
                .tag("status", context.status().getCode() / 100 + "xx")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - started));
    }

    private static String routeTemplate(Context context) {
        String template;
        try {
            template = context.endpointHandlerPath();
        } catch (RuntimeException noEndpoint) {
            return "NOT_FOUND";
        }
        // Javalin puts a sentence, not a path, here when no route matched.
        return template == null || !template.startsWith("/") ? "NOT_FOUND" : template;
    }
}
