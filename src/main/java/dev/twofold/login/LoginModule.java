package dev.twofold.login;

import dev.twofold.server.Services;
import io.javalin.Javalin;

/** Installs the login feature: its components into {@link Services} and its routes. */
public final class LoginModule {

    private LoginModule() {
    }

    public static void install(Services services, Javalin app) {
    }
}
