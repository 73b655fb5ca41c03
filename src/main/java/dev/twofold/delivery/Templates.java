package dev.twofold.delivery;

import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The texts of one-time code messages per channel and language, with the code, the product
 * name, the validity and (for SMS) the WebOTP line {@code @host #code}.
 *
 * <p>Built-in English and German texts come from {@code templates.properties} next to this
 * class; a file named by {@code TWOFOLD_DELIVERY_TEMPLATES_FILE} overrides single keys or adds
 * languages. Unknown languages fall back to English. Immutable and thread-safe.
 */
public final class Templates {

    static final Setting FILE_SETTING = Setting.DELIVERY_TEMPLATES_FILE;

    private static final String FALLBACK_LANGUAGE = "en";

    private final Map<String, String> texts;
    private final String product;
    private final Supplier<String> issuer;

    Templates(Map<String, String> texts, String product, Supplier<String> issuer) {
        this.texts = Map.copyOf(texts);
        this.product = product;
        this.issuer = issuer;
    }

    /** The built-in texts, overridden by the configured file; the issuer gives the host. */
    public static Templates from(Settings settings, Supplier<String> issuer) {
        Map<String, String> texts = builtIn();
        settings.get(Setting.DELIVERY_TEMPLATES_FILE)
                .ifPresent(file -> texts.putAll(readFile(Path.of(file))));
        String product = settings.string(Setting.PRODUCT_NAME);
        // Before the server listens the issuer is unknown; the configured one stands in.
        String configured = settings.get(Setting.ISSUER).orElse("http://localhost/");
        new Templates(texts, product, () -> configured).checkSmsTexts();
        return new Templates(texts, product, issuer);
    }

    /** Renders the message for its channel in the message's language. */
    public MessageText render(Message message) {
        String language = languageOf(message.locale());
        Map<String, String> values = values(message);
        return switch (message.channel()) {
            case SMS -> new MessageText(null, fill(text(language, "sms"), values), null);
            case VOICE -> new MessageText(null, fill(text(language, "voice"), values), null);
            case EMAIL -> new MessageText(fill(text(language, "email.subject"), values),
                    fill(text(language, "email.text"), values),
                    fill(text(language, "email.html"), htmlEscaped(values)));
        };
    }

    /** The languages with an SMS text (every language needs one): {@code en}, {@code de}, …. */
    public Set<String> languages() {
        return texts.keySet().stream().filter(key -> key.endsWith(".sms"))
                .map(key -> key.substring(0, key.length() - ".sms".length()))
                .collect(Collectors.toUnmodifiableSet());
    }

    private String languageOf(Locale locale) {
        String language = locale == null ? FALLBACK_LANGUAGE : locale.getLanguage();
        return texts.containsKey(language + ".sms") ? language : FALLBACK_LANGUAGE;
    }

    private String text(String language, String part) {
        String text = texts.get(language + "." + part);
        return text != null ? text : texts.get(FALLBACK_LANGUAGE + "." + part);
    }

    private Map<String, String> values(Message message) {
        Map<String, String> values = new HashMap<>();
        values.put("code", message.code());
        values.put("spoken_code", spoken(message.code()));
        values.put("product", product);
        values.put("minutes", Long.toString(minutes(message.validity())));
        values.put("host", webOtpHost());
        return values;
    }

    /** The digits separated by commas, so that speech engines read them one at a time. */
    static String spoken(String code) {
        return String.join(", ", code.split(""));
    }

    private static long minutes(Duration validity) {
        long seconds = validity == null ? 300 : validity.toSeconds();
        return Math.max(1, (seconds + 59) / 60);
    }

    /** WebOTP binds the code to the origin's host; the port is not part of the format. */
    private String webOtpHost() {
        String value = issuer == null ? null : issuer.get();
        if (value == null) {
            return "localhost";
        }
        String host = URI.create(value).getHost();
        return host == null ? "localhost" : host;
    }

    private static String fill(String template, Map<String, String> values) {
        String result = template;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            result = result.replace("{" + entry.getKey() + "}", entry.getValue());
        }
        return result;
    }

    private static Map<String, String> htmlEscaped(Map<String, String> values) {
        Map<String, String> escaped = new HashMap<>();
        values.forEach((name, value) -> escaped.put(name, escapeHtml(value)));
        return escaped;
    }

    static String escapeHtml(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&#39;");
    }

    /**
     * Stops start-up when an SMS text does not fit one GSM-7 message. Known gap: without
     * TWOFOLD_ISSUER (development) the check uses "localhost", so a longer host is not checked.
     */
    private void checkSmsTexts() {
        Message sample = new Message(Channel.SMS, "+15555550100", "123456",
                Duration.ofMinutes(10), Locale.ENGLISH, "sample", "127.0.0.1");
        texts.keySet().stream().filter(key -> key.endsWith(".sms")).forEach(key -> {
            String language = key.substring(0, key.length() - 4);
            Message probe = new Message(sample.channel(), sample.destination(), sample.code(),
                    sample.validity(), Locale.forLanguageTag(language), "sample", "127.0.0.1");
            String text = render(probe).text();
            if (!Gsm7.fits(text, Gsm7.SINGLE_MESSAGE)) {
                throw new Settings.ConfigurationException("The SMS template " + key + " renders"
                        + " to more than " + Gsm7.SINGLE_MESSAGE + " GSM-7 characters or uses"
                        + " characters outside GSM-7; shorten it (" + Gsm7.length(text) + ").");
            }
        });
    }

    private static Map<String, String> builtIn() {
        try (InputStream in = Templates.class.getResourceAsStream("templates.properties")) {
            if (in == null) {
                throw new IllegalStateException("templates.properties is missing from the jar");
            }
            return load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("templates.properties cannot be read", e);
        }
    }

    private static Map<String, String> readFile(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return load(reader);
        } catch (IOException e) {
            throw new Settings.ConfigurationException(FILE_SETTING.key() + " names " + path
                    + ", which could not be read: " + e.getMessage());
        }
    }

    private static Map<String, String> load(Reader reader) throws IOException {
        Properties properties = new Properties();
        properties.load(reader);
        Map<String, String> result = new HashMap<>();
        properties.forEach((key, value) -> result.put(key.toString(), value.toString()));
        return result;
    }
}
