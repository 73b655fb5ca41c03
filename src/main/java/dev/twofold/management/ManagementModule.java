package dev.twofold.management;

import dev.twofold.server.Services;
import io.javalin.Javalin;

/** Installs the management feature: its components into {@link Services} and its routes. */
public final class ManagementModule {

    private ManagementModule() {
    }

    public static void install(Services services, Javalin app) {
    }
}
