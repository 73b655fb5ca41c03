package dev.twofold.ops;

import dev.twofold.server.Settings;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the effective configuration at start-up, secrets masked (docs/configuration.md). */
final class ConfigurationSummary {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationSummary.class);

    private ConfigurationSummary() {
    }

    static void log(Settings settings) {
        StringJoiner summary = new StringJoiner(", ");
        settings.maskedSummary().forEach((name, value) -> summary.add(name + "=" + value));
        LOG.info("Configuration ({} mode; unset settings take their defaults): {}",
                settings.mode().name().toLowerCase(java.util.Locale.ROOT),
                summary.length() == 0 ? "none set" : summary);
    }
}
