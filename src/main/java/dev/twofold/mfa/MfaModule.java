package dev.twofold.mfa;

import dev.twofold.server.Services;
import io.javalin.Javalin;

/** Installs the mfa feature: its components into {@link Services} and its routes. */
public final class MfaModule {

    private MfaModule() {
    }

    public static void install(Services services, Javalin app) {
    }
}
