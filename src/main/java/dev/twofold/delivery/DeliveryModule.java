package dev.twofold.delivery;

import dev.twofold.server.Services;
import dev.twofold.server.Settings;
import io.javalin.Javalin;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the delivery feature: one sender per channel chosen by configuration (console by
 * default) into {@link Services}, and in development mode the route {@code GET /dev/outbox}.
 */
public final class DeliveryModule {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryModule.class);

    private DeliveryModule() {
    }

    public static void install(Services services, Javalin app) {
        Settings settings = services.settings();
        PhoneNumbers phoneNumbers = PhoneNumbers.from(settings);
        Templates templates = Templates.from(settings, services::issuer);
        OutboxStore outbox = new OutboxStore(services.database());
        // Only development mode keeps codes in a table; production prints them if asked to.
        Optional<OutboxStore> kept = settings.isDev() ? Optional.of(outbox) : Optional.empty();

        for (Channel channel : Channel.values()) {
            services.sender(channel, new ConsoleSender(templates, kept, services.clock(),
                    System.out));
            if (!settings.isDev()) {
                LOG.warn("{} codes are printed to the console: no provider is configured",
                        channel.wireName());
            }
        }

        if (settings.isDev()) {
            app.get(OutboxEndpoint.PATH, new OutboxEndpoint(outbox, phoneNumbers)::handle);
        }
    }
}
