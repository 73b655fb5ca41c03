package dev.twofold.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration, in code: a console appender named {@code text} (LogFormat switches
 * it to JSON at start-up when asked), Twofold's loggers at {@code TWOFOLD_LOG_LEVEL} (INFO by
 * default), the chattiest libraries at WARN, and {@link RawRequestLogGuard} always on. Set up
 * in code rather than in logback.xml so that the XML parser and logback's configuration
 * language are never loaded: about 460 classes and a tenth of a second at start-up. An
 * operator's own file, named with {@code -Dlogback.configurationFile}, still takes over.
 * Found by logback through META-INF/services. Never log a token, code, secret or password.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    private static final String[] QUIET = {"org.eclipse.jetty", "com.zaxxer.hikari",
        "org.flywaydb", "io.javalin"};

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        RawRequestLogGuard guard = new RawRequestLogGuard();
        guard.setContext(context);
        guard.start();
        context.addTurboFilter(guard);

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("text");
        console.setEncoder(LogFormat.text(context));
        console.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        // A system property first, then the environment, as logback.xml's substitution did;
        // a value that is no level leaves INFO here, and LogFormat refuses it at start-up.
        String level = System.getProperty("TWOFOLD_LOG_LEVEL", System.getenv("TWOFOLD_LOG_LEVEL"));
        context.getLogger("dev.twofold").setLevel(Level.toLevel(level, Level.INFO));
        for (String name : QUIET) {
            context.getLogger(name).setLevel(Level.WARN);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
