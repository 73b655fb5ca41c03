package dev.twofold.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The console log format, {@code text} (default) or {@code json}, from
 * {@code TWOFOLD_LOG_FORMAT} (environment or {@code TWOFOLD_CONFIG_FILE}), applied at start-up
 * to the console appender that {@link LogSetup} installs; unknown values are refused.
 */
public final class LogFormat {

    private static final List<String> LEVELS =
            List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    static final String TEXT_PATTERN =
            "%d{HH:mm:ss.SSS} %-5level [%X{request_id:--}] %logger{0} - %msg%n";

    private LogFormat() {
    }

    /**
     * Switches the console to the configured format if it is not in it already, and sets
     * Twofold's loggers to {@code TWOFOLD_LOG_LEVEL} where it is set (LogSetup has read it
     * from the environment already; this also applies it from {@code TWOFOLD_CONFIG_FILE}).
     */
    public static void apply(Settings settings) {
        String format = settings.string(Setting.LOG_FORMAT).toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new Settings.ConfigurationException("TWOFOLD_LOG_FORMAT must be text or json,"
                    + " got '" + format + "'");
        }
        Optional<Level> level = settings.get(Setting.LOG_LEVEL).map(LogFormat::level);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        level.ifPresent(chosen -> context.getLogger("dev.twofold").setLevel(chosen));
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(format) != null) {
            return;
        }
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(format);
        appender.setEncoder(format.equals("json") ? json(context) : text(context));
        appender.start();
        root.addAppender(appender);
        root.detachAppender(format.equals("json") ? "text" : "json");
    }

    /** A level by name, any case; anything else refuses start-up, naming the setting. */
    static Level level(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(upper)) {
            throw new Settings.ConfigurationException("TWOFOLD_LOG_LEVEL must be one of "
                    + String.join(", ", LEVELS) + ", got '" + name + "'");
        }
        return Level.toLevel(upper);
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithArguments(false);
        encoder.setWithMessage(false);
        encoder.setWithFormattedMessage(true);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.start();
        return encoder;
    }

    static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
