package dev.twofold.ops;

import dev.twofold.server.Settings;
import java.util.Locale;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the effective configuration at start-up: every setting of the catalogue with its value
 * or its default, secrets masked (docs/configuration.md). Names that are no setting, such as a
 * misspelt one, are named in a warning, without their values.
 */
final class ConfigurationSummary {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationSummary.class);

    private ConfigurationSummary() {
    }

    static void log(Settings settings) {
        StringJoiner summary = new StringJoiner(", ");
        settings.effective().forEach((setting, value) -> summary.add(setting.key() + "=" + value));
        LOG.info("Effective configuration ({} mode): {}",
                settings.mode().name().toLowerCase(Locale.ROOT), summary);
        if (!settings.unknownNames().isEmpty()) {
            LOG.warn("Ignored settings that Twofold does not know (misspelt?): {}",
                    String.join(", ", settings.unknownNames()));
        }
    }
}
