package dev.twofold.delivery;

import dev.twofold.server.ProtocolError;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every send goes through, whatever the provider: the country allow-list for phones, the
 * sending limits, then the provider, and one log line recording the send with the destination
 * masked and without the code. Thread-safe.
 */
final class GuardedSender implements Sender {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedSender.class);

    private final Sender provider;
    private final String providerName;
    private final SendingLimits limits;
    private final Set<String> allowedCountries;

    /** An empty {@code allowedCountries} allows every country. */
    GuardedSender(Sender provider, String providerName, SendingLimits limits,
                  Set<String> allowedCountries) {
        this.provider = provider;
        this.providerName = providerName;
        this.limits = limits;
        this.allowedCountries = Set.copyOf(allowedCountries);
    }

    @Override
    public void send(Message message) {
        checkDestination(message);
        checkCountry(message);
        limits.take(message);
        String masked = Destinations.mask(message.destination());
        try {
            provider.send(message);
        } catch (ProtocolError e) {
            LOG.warn("{} to {} for user {} via {} failed: {}", message.channel().wireName(),
                    masked, message.userId(), providerName, e.error());
            throw e;
        }
        LOG.info("Sent {} to {} for user {} via {}", message.channel().wireName(), masked,
                message.userId(), providerName);
    }

    /** The MFA module normalises input; this stops a wrong value before it costs anything. */
    private static void checkDestination(Message message) {
        boolean email = message.channel() == Channel.EMAIL;
        String destination = message.destination();
        if (email ? Destinations.isValidEmail(destination) : PhoneNumbers.isE164(destination)) {
            return;
        }
        throw ProtocolError.invalidRequest(email
                ? "The email address is not valid; send one such as alice@example.com."
                : "The phone number is not in E.164 form; send it such as +15555550100.");
    }

    private void checkCountry(Message message) {
        if (message.channel() == Channel.EMAIL || allowedCountries.isEmpty()) {
            return;
        }
        String region = PhoneNumbers.regionOf(message.destination());
        if (allowedCountries.contains(region)) {
            return;
        }
        LOG.debug("Refused a {} message to {}: country {} is not allowed",
                message.channel().wireName(), Destinations.mask(message.destination()), region);
        throw ProtocolError.invalidRequest("This server sends SMS and voice codes only to"
                + " phone numbers in " + String.join(", ", new TreeSet<>(allowedCountries))
                + "; the number given is in " + region + " (+"
                + PhoneNumbers.countryCodeOf(message.destination()) + "). Enroll a number from"
                + " one of those countries, or use another factor.");
    }
}
