package dev.twofold.ops;

import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.util.Locale;

/**
 * Where {@code /metrics} is served, from {@code TWOFOLD_MANAGEMENT_PORT}: a separate port
 * (default 9090, 0 for any free one), {@code same} for the main port, or {@code off}.
 */
sealed interface ManagementPort {

    record Separate(String host, int port) implements ManagementPort {
    }

    record Same() implements ManagementPort {
    }

    record Off() implements ManagementPort {
    }

    static ManagementPort from(Settings settings) {
        String value = settings.string(Setting.MANAGEMENT_PORT).toLowerCase(Locale.ROOT);
        String host = settings.get(Setting.MANAGEMENT_HOST).orElse(settings.host());
        return switch (value) {
            case "same" -> new Same();
            case "off" -> new Off();
            default -> new Separate(host, settings.getInt(Setting.MANAGEMENT_PORT));
        };
    }
}
