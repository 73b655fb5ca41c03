package dev.twofold.server;

import dev.twofold.store.Database;
import io.javalin.util.JavalinBindException;
import java.io.UncheckedIOException;

/**
 * The failures a node can meet at start-up that are the operator's to fix (a setting, a port
 * in use, a database that cannot be opened), told in one paragraph instead of a stack trace.
 * Any other exception is a fault of the server and keeps its stack trace.
 */
final class StartFailures {

    private StartFailures() {
    }

    /** The exit code for an operator's failure: 2 for a setting, 1 otherwise; 0 for a fault. */
    static int exitCode(Exception error) {
        if (error instanceof Settings.ConfigurationException) {
            return 2;
        }
        boolean operators = error instanceof Database.Unavailable
                || error instanceof JavalinBindException
                || error instanceof UncheckedIOException;
        return operators ? 1 : 0;
    }

    /** One paragraph naming the cause and what to do. */
    static String describe(Exception error) {
        if (error instanceof Database.Unavailable unavailable && unavailable.inUse()) {
            return unavailable.getMessage() + " Stop that server first, or give this one its"
                    + " own folder with TWOFOLD_DATA_DIR.";
        }
        if (error instanceof JavalinBindException) {
            return "The HTTP port is in use by another process (" + error.getMessage()
                    + "). Stop that process, or set TWOFOLD_PORT to a free port.";
        }
        return error.getMessage();
    }
}
