package dev.twofold.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The console log format, {@code text} (default) or {@code json}, from
 * {@code TWOFOLD_LOG_FORMAT} (environment or {@code TWOFOLD_CONFIG_FILE}), applied at start-up
 * to the console appender that {@link LogSetup} installs; unknown values are refused.
 */
public final class LogFormat {

    static final String TEXT_PATTERN =
            "%d{HH:mm:ss.SSS} %-5level [%X{request_id:--}] %logger{0} - %msg%n";

    private LogFormat() {
    }

    /** Switches the console to the configured format if it is not in it already. */
    public static void apply(Settings settings) {
        String format = settings.string(Setting.LOG_FORMAT).toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new Settings.ConfigurationException("TWOFOLD_LOG_FORMAT must be text or json,"
                    + " got '" + format + "'");
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
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
