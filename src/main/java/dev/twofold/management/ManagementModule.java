package dev.twofold.management;

import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.server.Services;
import io.javalin.Javalin;

/**
 * Installs the management feature: the {@code /api/v2} subset of Auth0's Management API and
 * the bootstrap of the first clients and user at start-up.
 */
public final class ManagementModule {

    private ManagementModule() {
    }

    public static void install(Services services, Javalin app) {
        ManagementRoutes routes = new ManagementRoutes(app, new ManagementAccess(services),
                services.settings().maxBodyBytes());
        ClientGrantStore grants = new ClientGrantStore(services.database());
        new ClientsEndpoint(new Clients(services), services.clients()).register(routes);
        new ResourceServersEndpoint(services).register(routes);
        new ClientGrantsEndpoint(services, grants).register(routes);
        Users users = new Users(services);
        new UsersEndpoint(services, users).register(routes);
        new UserBlocksEndpoint(services, users).register(routes);
        new UserFactorsEndpoint(services, users, RecoveryCodes.of(services)::regenerate)
                .register(routes);
        new GuardianEndpoint(services, users).register(routes);
        new JobsEndpoint(services).register(routes);
        services.onStarted(() -> new Bootstrap(services, grants, System.out).run());
    }
}
