package dev.twofold.delivery;

import dev.twofold.server.Services;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import io.javalin.Javalin;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the delivery feature: for each channel the provider named by configuration
 * ({@code console} by default), wrapped in the allow-list and the sending limits, into
 * {@link Services}; in development mode also the route {@code GET /dev/outbox}.
 */
public final class DeliveryModule {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryModule.class);

    private DeliveryModule() {
    }

    public static void install(Services services, Javalin app) {
        Settings settings = services.settings();
        Templates templates = Templates.from(settings, services::issuer);
        OutboxStore outbox = new OutboxStore(services.database());
        services.messageLanguages(templates.languages());
        Providers providers = new Providers(services, templates, outbox);
        RateWindowStore windows = new RateWindowStore(services.database());
        SendingLimits phoneLimits = SendingLimits.phone(settings, windows, services.clock());
        SendingLimits emailLimits = SendingLimits.email(settings, windows, services.clock());
        Set<String> countries = allowedCountries(settings);

        for (Channel channel : Channel.values()) {
            String name = providerName(settings, channel);
            SendingLimits limits = channel == Channel.EMAIL ? emailLimits : phoneLimits;
            services.sender(channel, new GuardedSender(providers.create(channel, name), name,
                    limits, countries));
            LOG.info("{} codes are sent by the {} provider", channel.wireName(), name);
        }

        if (settings.isDev()) {
            app.get(OutboxEndpoint.PATH,
                    new OutboxEndpoint(outbox, PhoneNumbers.from(settings))::handle);
        }
    }

    private static String providerName(Settings settings, Channel channel) {
        Setting provider = Setting.valueOf(channel.name() + "_PROVIDER");
        String setting = provider.key();
        String name = settings.string(provider).toLowerCase(Locale.ROOT);
        Set<String> known = channel == Channel.EMAIL
                ? Set.of("console", "smtp", "webhook") : Set.of("console", "twilio", "webhook");
        if (!known.contains(name)) {
            throw new Settings.ConfigurationException(setting + " must be one of "
                    + String.join(", ", known.stream().sorted().toList()) + ", got '" + name
                    + "'");
        }
        return name;
    }

    private static Set<String> allowedCountries(Settings settings) {
        return Arrays.stream(settings.string(Setting.SMS_ALLOWED_COUNTRIES).split(","))
                .map(code -> code.trim().toUpperCase(Locale.ROOT))
                .filter(code -> !code.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Builds provider senders, sharing one HTTP client among them. */
    private static final class Providers {

        private final Services services;
        private final Templates templates;
        private final OutboxStore outbox;
        private ProviderHttp http;

        Providers(Services services, Templates templates, OutboxStore outbox) {
            this.services = services;
            this.templates = templates;
            this.outbox = outbox;
        }

        Sender create(Channel channel, String name) {
            Settings settings = services.settings();
            return switch (name) {
                case "twilio" -> TwilioSender.from(settings, http(), templates);
                case "webhook" -> WebhookSender.from(settings, http(), templates,
                        services.clock());
                case "smtp" -> SmtpSender.from(settings, templates);
                default -> console(channel);
            };
        }

        private Sender console(Channel channel) {
            if (services.settings().isDev()) {
                return ConsoleSender.development(templates, outbox, services.clock(),
                        System.out);
            }
            LOG.warn("{} codes cannot be delivered by this production node: the console"
                    + " provider prints no code in production mode; set TWOFOLD_{}_PROVIDER",
                    channel.wireName(), channel.name());
            return ConsoleSender.production(System.out);
        }

        private ProviderHttp http() {
            if (http == null) {
                http = ProviderHttp.from(services.settings());
            }
            return http;
        }
    }
}
