package dev.twofold.server;

import dev.twofold.management.ManagementCommands;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;

/**
 * The administrative sub-commands (create a client, create a user, rotate keys, migrate),
 * added to the {@code twofold} command. The management module fills this list.
 */
public final class Commands {

    private Commands() {
    }

    static void addTo(CommandLine commandLine) {
        addTo(commandLine, System.getenv());
    }

    /** Adds the sub-commands, their settings read from the given variables. */
    public static void addTo(CommandLine commandLine, Map<String, String> environment) {
        ManagementCommands.addTo(commandLine, environment, settings -> {
            Services services = TwofoldServer.openServices(settings, Clock.systemUTC());
            services.issuer(settings.issuer(settings.port()));
            return services;
        });
    }
}
