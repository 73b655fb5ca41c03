package dev.twofold.delivery;

import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.time.Duration;
import java.util.Optional;

/**
 * One sending limit as a leaky bucket: up to {@code burst} messages at once, then one more
 * each {@code interval} ("10 then 1 per hour" is {@code 10/PT1H}).
 *
 * @param name what the limit counts, for the error description ("per phone number")
 * @param burst how many messages may be sent at once
 * @param interval how long until the bucket has room for one more
 */
record RateLimit(String name, int burst, Duration interval) {

    /** Reads {@code burst/interval} (e.g. {@code 10/PT1H}); {@code off} disables the limit. */
    static Optional<RateLimit> fromSettings(Settings settings, Setting setting, String name) {
        String value = settings.string(setting).trim();
        if (value.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        String[] parts = value.split("/", 2);
        try {
            int burst = Integer.parseInt(parts[0].trim());
            Duration interval = Duration.parse(parts[1].trim());
            if (burst < 1 || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("not positive");
            }
            return Optional.of(new RateLimit(name, burst, interval));
        } catch (RuntimeException e) {
            throw new Settings.ConfigurationException(setting.key() + " must be 'off' or"
                    + " burst/interval such as 10/PT1H (10 at once, then 1 per hour), got '"
                    + value + "'");
        }
    }

    /** In words for an error description: "10, then 1 every 1 hour". */
    String describe() {
        return burst + ", then 1 every " + words(interval);
    }

    private static String words(Duration duration) {
        if (duration.toSeconds() % 3600 == 0) {
            long hours = duration.toHours();
            return hours == 1 ? "hour" : hours + " hours";
        }
        if (duration.toSeconds() % 60 == 0) {
            long minutes = duration.toMinutes();
            return minutes == 1 ? "minute" : minutes + " minutes";
        }
        return duration.toSeconds() + " seconds";
    }
}
