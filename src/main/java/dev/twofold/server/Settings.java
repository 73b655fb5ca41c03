package dev.twofold.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every setting of a Twofold node, read once at start-up.
 *
 * <p>Values come from environment variables named {@code TWOFOLD_*}; an optional properties
 * file named by {@code TWOFOLD_CONFIG_FILE} supplies values for names the environment does not
 * set. {@code docs/configuration.md} lists every name. Immutable and thread-safe.
 */
public final class Settings {

    /** Development mode: embedded H2 under the data folder, console senders, demo fixtures. */
    public enum Mode { DEV, PRODUCTION }

    private final Mode mode;
    private final Map<String, String> values;

    private Settings(Mode mode, Map<String, String> values) {
        this.mode = mode;
        this.values = Map.copyOf(values);
    }

    /** Reads the settings from the process environment and the optional file. */
    public static Settings fromEnvironment(Mode mode) {
        return from(mode, System.getenv());
    }

    /** Reads the settings from the given variables, with the optional file they name. */
    public static Settings from(Mode mode, Map<String, String> environment) {
        Map<String, String> merged = new TreeMap<>();
        String file = environment.get(Setting.CONFIG_FILE.key());
        if (file != null && !file.isBlank()) {
            merged.putAll(readFile(Path.of(file)));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith("TWOFOLD_")) {
                merged.put(name, value);
            }
        });
        return new Settings(mode, merged);
    }

    /** Settings for tests and embedding: exactly the given values, no environment. */
    public static Settings of(Mode mode, Map<String, String> values) {
        return new Settings(mode, new LinkedHashMap<>(values));
    }

    private static Map<String, String> readFile(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigurationException("TWOFOLD_CONFIG_FILE names " + path
                    + ", which could not be read: " + e.getMessage());
        }
        Map<String, String> result = new TreeMap<>();
        properties.forEach((key, value) -> result.put(key.toString(), value.toString()));
        return result;
    }

    public Mode mode() {
        return mode;
    }

    public boolean isDev() {
        return mode == Mode.DEV;
    }

    /** The value of a setting, if set and not blank. */
    public Optional<String> get(Setting setting) {
        String value = values.get(setting.key());
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /**
     * The value of the setting named {@code key}, for names built at run time; the name must be
     * in the catalogue ({@link Setting}).
     */
    public Optional<String> get(String key) {
        return get(Setting.byKey(key).orElseThrow(() -> new IllegalArgumentException(
                key + " is not in the catalogue of settings; add it to Setting")));
    }

    /** The value, or the catalogue's default. */
    public String string(Setting setting) {
        return get(setting).orElseGet(() -> defaultOf(setting));
    }

    /** A required setting; start-up stops with a message naming it when it is missing. */
    public String require(Setting setting, String why) {
        return get(setting).orElseThrow(() -> new ConfigurationException(
                setting.key() + " is not set. " + why));
    }

    public int getInt(Setting setting) {
        String value = string(setting);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(setting.key() + " must be a whole number, got '"
                    + value + "'");
        }
    }

    public boolean getBoolean(Setting setting) {
        String value = string(setting).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigurationException(setting.key()
                    + " must be true or false, got '" + value + "'");
        };
    }

    /** A duration written as ISO-8601 ({@code PT15M}) or as a number of seconds. */
    public Duration getDuration(Setting setting) {
        String value = string(setting);
        try {
            if (value.chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(value));
            }
            return Duration.parse(value);
        } catch (RuntimeException e) {
            throw new ConfigurationException(setting.key() + " must be seconds or an ISO-8601"
                    + " duration such as PT15M, got '" + value + "'");
        }
    }

    private static String defaultOf(Setting setting) {
        return setting.fallback().value().orElseThrow(() -> new IllegalStateException(
                setting.key() + " has no default value in the catalogue; read it with get()"));
    }

    // ---- The settings every module shares -------------------------------------------------

    public String host() {
        return string(Setting.HOST);
    }

    public int port() {
        return getInt(Setting.PORT);
    }

    /** The largest request body a node reads, in bytes. */
    public int maxBodyBytes() {
        return getInt(Setting.MAX_BODY_BYTES);
    }

    public Path dataDir() {
        return Path.of(string(Setting.DATA_DIR));
    }

    /**
     * The issuer identifier, always ending in a slash as Auth0's does. In development mode it
     * defaults to the local address; in production it must be set.
     */
    public String issuer(int actualPort) {
        String issuer = isDev()
                ? get(Setting.ISSUER).orElse("http://" + host() + ":" + actualPort + "/")
                : require(Setting.ISSUER, "Set it to the public https URL of this server.");
        return issuer.endsWith("/") ? issuer : issuer + "/";
    }

    /**
     * Every setting of the catalogue with its effective value for the start-up log: the value
     * set, else the default marked {@code (default)}; a secret shows only whether it is set.
     */
    public Map<Setting, String> effective() {
        Map<Setting, String> effective = new LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            effective.put(setting, describe(setting));
        }
        return effective;
    }

    private String describe(Setting setting) {
        Optional<String> value = get(setting);
        if (value.isPresent()) {
            return setting.isSecret() ? "****" : value.get();
        }
        return setting.fallback().value().map(fallback -> fallback + " (default)")
                .orElse("(not set; default: " + setting.fallback().text().replace("`", "")
                        + ")");
    }

    /** Names set in the environment or the file that are not settings, such as typos. */
    public Set<String> unknownNames() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeIf(name -> Setting.byKey(name).isPresent());
        return unknown;
    }

    /** A setting is missing or malformed; start-up stops with this message. */
    public static final class ConfigurationException extends RuntimeException {
        public ConfigurationException(String message) {
            super(message);
        }
    }
}
