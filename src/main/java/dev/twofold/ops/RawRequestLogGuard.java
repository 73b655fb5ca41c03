package dev.twofold.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops DEBUG and TRACE events of Jetty, whatever level an operator sets: at those levels
 * Jetty prints raw request bytes (headers with Basic credentials and bearer tokens, form
 * bodies with passwords and codes), and Twofold never logs a secret. Installed by LogSetup.
 * Thread-safe.
 */
public final class RawRequestLogGuard extends TurboFilter {

    private static final String GUARDED = "org.eclipse.jetty";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format,
                              Object[] params, Throwable t) {
        // Jetty asks whether DEBUG is on at every step of every request: an event below the
        // logger's level is dropped anyway, so only the name test is left for the others.
        if (level != null && !level.isGreaterOrEqual(Level.INFO)
                && level.isGreaterOrEqual(logger.getEffectiveLevel())
                && logger.getName().startsWith(GUARDED)) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
