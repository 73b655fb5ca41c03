package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofold.server.ConfigurationReference;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The catalogue of settings ({@link Setting}), the code and docs/configuration.md cannot
 * drift: the document's tables are exactly what the catalogue generates, every
 * {@code TWOFOLD_*} name the main code or its resources mention is in the catalogue, and every
 * setting of the catalogue is read somewhere.
 */
class ConfigurationReferenceTest {

    private static final Path DOCUMENT = Path.of("docs/configuration.md");
    /** A whole setting name; {@code TWOFOLD_PHONE_LIMIT_PER_*} and the like are prefixes. */
    private static final Pattern NAME =
            Pattern.compile("TWOFOLD_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_*{])");
    private static final Pattern ROW =
            Pattern.compile("^\\| `(TWOFOLD_[A-Z0-9_]+)` \\| ([^|]+) \\|", Pattern.MULTILINE);

    @Test
    void referenceWhenRegeneratedFromCatalogueThenUnchanged() throws IOException {
        String document = Files.readString(DOCUMENT);

        assertThat(ConfigurationReference.rewrite(document))
                .as("docs/configuration.md differs from the catalogue: run"
                        + " bin/twofold config-reference and commit the result")
                .isEqualTo(document);
        for (Setting.Section section : Setting.Section.values()) {
            assertThat(document).as("the table of section " + section)
                    .contains(ConfigurationReference.marker(section));
        }
    }

    @Test
    void referenceWhenReadThenEverySettingHasOneRowWithItsCatalogueDefault() throws IOException {
        Matcher rows = ROW.matcher(Files.readString(DOCUMENT));
        Map<String, String> documented = new java.util.TreeMap<>();

        while (rows.find()) {
            assertThat(documented.put(rows.group(1), rows.group(2)))
                    .as("second row for " + rows.group(1)).isNull();
        }

        Map<String, String> catalogue = Arrays.stream(Setting.values()).collect(
                Collectors.toMap(Setting::key, setting -> setting.fallback().text()));
        assertThat(documented).isEqualTo(catalogue);
        assertThat(documented).containsEntry("TWOFOLD_PORT", "`8080`")
                .containsEntry("TWOFOLD_MFA_LOCKOUT", "`PT15M`");
    }

    @Test
    void codeWhenScannedThenEveryTwofoldNameIsInTheCatalogue() {
        Set<String> catalogue = Arrays.stream(Setting.values()).map(Setting::key)
                .collect(Collectors.toSet());

        Set<String> mentioned = mentionedNames();

        assertThat(mentioned).as("TWOFOLD_* names in src/main that are not in the catalogue"
                + " (add a line to dev.twofold.server.Setting)").isSubsetOf(catalogue);
        assertThat(mentioned).contains("TWOFOLD_LOG_LEVEL", "TWOFOLD_PORT");
    }

    @Test
    void catalogueWhenComparedWithCodeThenEverySettingIsRead() {
        String code = mainSources().filter(file -> !file.endsWith("Setting.java"))
                .map(ConfigurationReferenceTest::read).collect(Collectors.joining("\n"));

        Set<String> unread = new TreeSet<>();
        for (Setting setting : Setting.values()) {
            boolean read = code.contains("Setting." + setting.name())
                    || code.contains("${" + setting.key())
                    || setting.name().endsWith("_PROVIDER") && code.contains("\"_PROVIDER\"");
            if (!read) {
                unread.add(setting.key());
            }
        }

        assertThat(unread).as("settings of the catalogue that no code reads").isEmpty();
    }

    @Test
    void settingsWhenAskedForNameOutsideCatalogueThenRefused() {
        Settings settings = Settings.of(Settings.Mode.DEV, Map.of("TWOFOLD_NOT_A_SETTING", "x"));

        assertThatThrownBy(() -> settings.get("TWOFOLD_NOT_A_SETTING"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in the catalogue");
        assertThat(settings.unknownNames()).containsExactly("TWOFOLD_NOT_A_SETTING");
        assertThat(settings.getInt(Setting.PORT)).isEqualTo(8080);
        assertThat(settings.getDuration(Setting.MFA_LOCKOUT)).hasMinutes(15);
    }

    private static Set<String> mentionedNames() {
        Set<String> names = new TreeSet<>();
        mainSources().forEach(file -> {
            Matcher matcher = NAME.matcher(read(file));
            while (matcher.find()) {
                names.add(matcher.group());
            }
        });
        return names;
    }

    private static Stream<Path> mainSources() {
        try {
            return Stream.concat(Stream.of(Path.of("bin/twofold")),
                    Stream.concat(Files.walk(Path.of("src/main/java")),
                            Files.walk(Path.of("src/main/resources"))))
                    .filter(Files::isRegularFile)
                    .filter(file -> file.toString()
                            .matches(".*(\\.(java|xml|properties)|/twofold)$"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
