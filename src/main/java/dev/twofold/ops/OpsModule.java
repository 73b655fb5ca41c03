package dev.twofold.ops;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.twofold.server.Services;
import dev.twofold.server.Settings;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * Installs operations: health checks, request ids, metrics (on the management port), the audit
 * log endpoints, the start-up configuration summary and the OpenAPI document.
 */
public final class OpsModule {

    private OpsModule() {
    }

    public static void install(Services services, Javalin app) {
        Settings settings = services.settings();
        LogFormat.apply(settings);
        ConfigurationSummary.log(settings);
        Metrics metrics = services.metrics();
        services.database().trackPool(new MicrometerMetricsTrackerFactory(metrics.registry()));
        services.onShutdown(metrics::close);
        RequestIds.install(app);
        HttpMetrics.install(app, metrics.registry());

        Health health = new Health(services);
        app.get("/health/live", context -> answer(context, health.live()));
        app.get("/health/ready", context -> answer(context, health.ready()));
        serveMetrics(services, app, health);

        new LogsEndpoint(services.auditLog(), new LogsAccess(services)).install(app);
        ManagementApiAudit.install(app, services.auditLog());
        OpenApiEndpoint.install(app);
        // The grants and senders exist once every module is installed.
        services.onStarted(() -> {
            AuditedGrant.wrapAll(services);
            AuditedSender.wrapAll(services);
        });
    }

    private static void serveMetrics(Services services, Javalin app, Health health) {
        Metrics metrics = services.metrics();
        ManagementPort port = ManagementPort.from(services.settings());
        switch (port) {
            case ManagementPort.Off off -> { }
            case ManagementPort.Same same -> app.get("/metrics", context -> context
                    .contentType(ManagementServer.PROMETHEUS_TYPE).result(metrics.scrape()));
            case ManagementPort.Separate separate -> {
                ManagementServer server = ManagementServer.start(separate.host(),
                        separate.port(), metrics, health);
                metrics.managementPort(server.port());
                services.onShutdown(server::close);
            }
        }
    }

    private static void answer(Context context, Health.Report report) {
        context.header("Cache-Control", "no-store");
        context.status(report.httpStatus()).json(report.body());
    }
}
