package dev.twofold.delivery;

import dev.twofold.server.Services;
import io.javalin.Javalin;

/** Installs the delivery feature: its components into {@link Services} and its routes. */
public final class DeliveryModule {

    private DeliveryModule() {
    }

    public static void install(Services services, Javalin app) {
    }
}
