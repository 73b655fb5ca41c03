package dev.twofold.server;

import picocli.CommandLine;

/**
 * The administrative sub-commands (create a client, create a user, rotate keys, migrate),
 * added to the {@code twofold} command. The management module fills this list.
 */
final class Commands {

    private Commands() {
    }

    static void addTo(CommandLine commandLine) {
    }
}
