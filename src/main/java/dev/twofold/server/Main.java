package dev.twofold.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The {@code twofold} command: starts a node ({@code start-dev}, {@code start}) or runs an
 * administrative task. Settings come from {@code TWOFOLD_*} variables (docs/configuration.md).
 */
@Command(name = "twofold", mixinStandardHelpOptions = true,
        description = "Twofold: an OAuth 2.0 / OpenID Connect server centred on MFA.",
        subcommands = {Main.StartDev.class, Main.Start.class, Main.ConfigReference.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((error, line, parsed) -> {
            int code = StartFailures.exitCode(error);
            if (code == 0) {
                throw error;
            }
            System.err.println("twofold: " + StartFailures.describe(error));
            return code;
        });
        Commands.addTo(commandLine);
        int code = commandLine.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static void serveUntilStopped(Settings settings) {
        TwofoldServer server = TwofoldServer.start(settings, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "twofold-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Development mode: embedded H2 under ./data, console senders, demo fixtures. */
    @Command(name = "start-dev", description = "Start a development node on"
            + " http://127.0.0.1:8080/ with an embedded database under ./data.")
    static final class StartDev implements Runnable {
        @Override
        public void run() {
            serveUntilStopped(Settings.fromEnvironment(Settings.Mode.DEV));
        }
    }

    /** Production mode: PostgreSQL, real senders, keys from configuration. */
    @Command(name = "start", description = "Start a production node (needs TWOFOLD_DB_URL,"
            + " TWOFOLD_ISSUER and TWOFOLD_ENCRYPTION_KEY).")
    static final class Start implements Runnable {
        @Override
        public void run() {
            serveUntilStopped(Settings.fromEnvironment(Settings.Mode.PRODUCTION));
        }
    }

    /** Rewrites the tables of the configuration reference from the catalogue of settings. */
    @Command(name = "config-reference", description = "Regenerate the settings tables of"
            + " docs/configuration.md from the catalogue (dev.twofold.server.Setting).")
    static final class ConfigReference implements Callable<Integer> {
        @Parameters(index = "0", defaultValue = "docs/configuration.md",
                description = "The Markdown file to update (default: ${DEFAULT-VALUE}).")
        Path file;

        @Override
        public Integer call() throws IOException {
            String before = Files.readString(file);
            String after = ConfigurationReference.rewrite(before);
            Files.writeString(file, after);
            System.out.println(before.equals(after) ? file + " is up to date"
                    : file + " updated from the catalogue of settings");
            return 0;
        }
    }
}
