package dev.twofold.oauth;

import dev.twofold.server.Services;
import io.javalin.Javalin;

/** Installs the oauth feature: its components into {@link Services} and its routes. */
public final class OAuthModule {

    private OAuthModule() {
    }

    public static void install(Services services, Javalin app) {
    }
}
