package dev.twofold.delivery;

import dev.twofold.crypto.Randoms;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending limits of one channel group (phone: SMS and voice together; email), per user, per
 * destination, per client IP and, for phones, per country calling code. Counted in the shared
 * database, so every node sees the same counts. Defaults follow Auth0's: 10 phone messages per
 * user, then 1 per hour; 20 emails, then 1 per minute. Thread-safe.
 */
final class SendingLimits {

    private static final Logger LOG = LoggerFactory.getLogger(SendingLimits.class);

    private final String group;
    private final Optional<RateLimit> perUser;
    private final Optional<RateLimit> perDestination;
    private final Optional<RateLimit> perIp;
    private final Optional<RateLimit> perCountry;
    private final RateWindowStore store;
    private final Clock clock;

    private SendingLimits(String group, Optional<RateLimit> perUser,
                          Optional<RateLimit> perDestination, Optional<RateLimit> perIp,
                          Optional<RateLimit> perCountry, RateWindowStore store, Clock clock) {
        this.group = group;
        this.perUser = perUser;
        this.perDestination = perDestination;
        this.perIp = perIp;
        this.perCountry = perCountry;
        this.store = store;
        this.clock = clock;
    }

    /** SMS and voice: settings {@code TWOFOLD_PHONE_LIMIT_PER_*}. */
    static SendingLimits phone(Settings settings, RateWindowStore store, Clock clock) {
        return new SendingLimits("phone",
                RateLimit.fromSettings(settings, Setting.PHONE_LIMIT_PER_USER,
                        "per user"),
                RateLimit.fromSettings(settings, Setting.PHONE_LIMIT_PER_DESTINATION,
                        "per phone number"),
                RateLimit.fromSettings(settings, Setting.PHONE_LIMIT_PER_IP,
                        "per client IP address"),
                RateLimit.fromSettings(settings, Setting.PHONE_LIMIT_PER_COUNTRY,
                        "per country calling code"),
                store, clock);
    }

    /** Email: settings {@code TWOFOLD_EMAIL_LIMIT_PER_*}. */
    static SendingLimits email(Settings settings, RateWindowStore store, Clock clock) {
        return new SendingLimits("email",
                RateLimit.fromSettings(settings, Setting.EMAIL_LIMIT_PER_USER,
                        "per user"),
                RateLimit.fromSettings(settings, Setting.EMAIL_LIMIT_PER_DESTINATION,
                        "per email address"),
                RateLimit.fromSettings(settings, Setting.EMAIL_LIMIT_PER_IP,
                        "per client IP address"),
                Optional.empty(), store, clock);
    }

    /** Counts the message against every limit, or throws 429 naming the limit that is full. */
    void take(Message message) {
        List<RateWindowStore.Bucket> buckets = buckets(message);
        Optional<RateWindowStore.Refusal> refusal = store.take(buckets, clock.millis());
        if (refusal.isPresent()) {
            throw tooManyRequests(message.channel(), refusal.get());
        }
    }

    private List<RateWindowStore.Bucket> buckets(Message message) {
        List<RateWindowStore.Bucket> buckets = new ArrayList<>();
        add(buckets, perUser, "user", message.userId());
        add(buckets, perDestination, "to", Destinations.key(message.destination()));
        add(buckets, perIp, "ip", message.clientIp());
        if (message.channel() != Channel.EMAIL) {
            add(buckets, perCountry, "country",
                    "+" + PhoneNumbers.countryCodeOf(message.destination()));
        }
        return buckets;
    }

    private void add(List<RateWindowStore.Bucket> buckets, Optional<RateLimit> limit,
                     String scope, String subject) {
        if (limit.isEmpty() || subject == null || subject.isBlank()) {
            return;
        }
        // Hashed so that the table holds no phone numbers or addresses in the clear.
        String key = group + "/" + scope + "/" + Randoms.sha256(subject);
        buckets.add(new RateWindowStore.Bucket(key, limit.get()));
    }

    private ProtocolError tooManyRequests(Channel channel, RateWindowStore.Refusal refusal) {
        long seconds = Math.max(1, (refusal.retryAfterMillis() + 999) / 1000);
        RateLimit limit = refusal.limit();
        LOG.warn("Refused a {} message: the limit {} ({}) is reached", channel.wireName(),
                limit.name(), limit.describe());
        return ProtocolError.of(429, "too_many_requests", "Too many "
                        + DeliveryFailures.label(channel) + " codes: the limit " + limit.name()
                        + " (" + limit.describe() + ") is reached. Try again in " + seconds
                        + " seconds.")
                .withHeader("Retry-After", Long.toString(seconds));
    }
}
