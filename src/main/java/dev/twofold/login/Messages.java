package dev.twofold.login;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The text of the hosted pages in one language: English, or German when the browser's
 * {@code Accept-Language} (RFC 9110 §12.5.4) prefers it. Bundles are
 * {@code login/messages_<language>.properties}; a key missing in German falls back to English,
 * and {@code {0}}, {@code {1}} are replaced by the arguments. Immutable and thread-safe.
 */
final class Messages {

    private static final List<String> LANGUAGES = List.of("en", "de");
    private static final Map<String, Properties> BUNDLES = Map.of(
            "en", load("en"), "de", load("de"));

    private final String language;

    private Messages(String language) {
        this.language = language;
    }

    /** The messages in the language the request's {@code Accept-Language} prefers. */
    static Messages of(Context context) {
        return of(Optional.ofNullable(context.header("Accept-Language")));
    }

    static Messages of(Optional<String> acceptLanguage) {
        return new Messages(acceptLanguage.flatMap(Messages::choose).orElse("en"));
    }

    private static Optional<String> choose(String header) {
        try {
            return Optional.ofNullable(Locale.lookupTag(Locale.LanguageRange.parse(header),
                    LANGUAGES));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /** The BCP 47 language of the page, for {@code <html lang>}. */
    String language() {
        return language;
    }

    Locale locale() {
        return Locale.forLanguageTag(language);
    }

    /** The text of a key with its arguments filled in; the key itself when it is unknown. */
    String get(String key, Object... arguments) {
        String text = Optional.ofNullable(BUNDLES.get(language).getProperty(key))
                .or(() -> Optional.ofNullable(BUNDLES.get("en").getProperty(key)))
                .orElse(key);
        for (int index = 0; index < arguments.length; index++) {
            text = text.replace("{" + index + "}", String.valueOf(arguments[index]));
        }
        return text;
    }

    /** The text of a key, if the bundle has it. */
    Optional<String> find(String key) {
        return BUNDLES.get("en").containsKey(key) ? Optional.of(get(key)) : Optional.empty();
    }

    private static Properties load(String language) {
        String path = "/login/messages_" + language + ".properties";
        try (InputStream in = Messages.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + path);
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
