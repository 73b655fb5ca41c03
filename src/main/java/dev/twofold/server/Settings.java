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
import java.util.TreeMap;

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
        String file = environment.get("TWOFOLD_CONFIG_FILE");
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

    /** The raw value of a setting, if set and not blank. */
    public Optional<String> get(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    /** A required setting; start-up stops with a message naming it when it is missing. */
    public String require(String name, String why) {
        return get(name).orElseThrow(() -> new ConfigurationException(
                name + " is not set. " + why));
    }

    public int getInt(String name, int fallback) {
        Optional<String> value = get(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a whole number, got '"
                    + value.get() + "'");
        }
    }

    public boolean getBoolean(String name, boolean fallback) {
        Optional<String> value = get(name).map(v -> v.toLowerCase(Locale.ROOT));
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigurationException(name + " must be true or false, got '"
                    + value.get() + "'");
        };
    }

    /** A duration written as ISO-8601 ({@code PT15M}) or as a number of seconds. */
    public Duration getDuration(String name, Duration fallback) {
        Optional<String> value = get(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            if (value.get().chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(value.get()));
            }
            return Duration.parse(value.get());
        } catch (RuntimeException e) {
            throw new ConfigurationException(name + " must be seconds or an ISO-8601 duration"
                    + " such as PT15M, got '" + value.get() + "'");
        }
    }

    // ---- The settings every module shares -------------------------------------------------

    public String host() {
        return get("TWOFOLD_HOST", "127.0.0.1");
    }

    public int port() {
        return getInt("TWOFOLD_PORT", 8080);
    }

    /** The largest request body a node reads, in bytes. */
    public int maxBodyBytes() {
        return getInt("TWOFOLD_MAX_BODY_BYTES", 64 * 1024);
    }

    public Path dataDir() {
        return Path.of(get("TWOFOLD_DATA_DIR", "./data"));
    }

    /**
     * The issuer identifier, always ending in a slash as Auth0's does. In development mode it
     * defaults to the local address; in production it must be set.
     */
    public String issuer(int actualPort) {
        String issuer = isDev()
                ? get("TWOFOLD_ISSUER", "http://" + host() + ":" + actualPort + "/")
                : require("TWOFOLD_ISSUER", "Set it to the public https URL of this server.");
        return issuer.endsWith("/") ? issuer : issuer + "/";
    }

    /** All values, secrets masked, for the start-up summary. */
    public Map<String, String> maskedSummary() {
        Map<String, String> summary = new TreeMap<>();
        values.forEach((name, value) -> summary.put(name, isSecretName(name) ? "****" : value));
        return summary;
    }

    private static boolean isSecretName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.startsWith("TWOFOLD_PASSWORD_")) {
            return false; // the brute-force limits: counts and durations, not a password
        }
        return upper.contains("SECRET") || upper.contains("PASSWORD") || upper.contains("KEY")
                || upper.contains("TOKEN") || upper.contains("DB_URL");
    }

    /** A setting is missing or malformed; start-up stops with this message. */
    public static final class ConfigurationException extends RuntimeException {
        public ConfigurationException(String message) {
            super(message);
        }
    }
}
