package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md and the code cannot drift: every {@code TWOFOLD_*} string literal of
 * the main code (and {@code ${TWOFOLD_…}} of its resources) has a row in the tables, and every
 * row names a setting the code reads. A name the code builds, such as
 * {@code "TWOFOLD_" + channel + "_PROVIDER"}, counts as read for every row it matches.
 */
class ConfigurationReferenceTest {

    private static final Pattern LITERAL =
            Pattern.compile("\"(TWOFOLD_[A-Z0-9_]*[A-Z0-9])\"");
    private static final Pattern RESOURCE =
            Pattern.compile("\\$\\{(TWOFOLD_[A-Z0-9_]*[A-Z0-9])");
    private static final Pattern BUILT = Pattern.compile(
            "\"TWOFOLD_\"\\s*\\+[^;\"]+\\+\\s*\"(_[A-Z0-9_]+)\"");
    private static final Pattern ROW = Pattern.compile("^\\| `(TWOFOLD_[A-Z0-9_]+)` \\|"
            + " [^|]+ \\| [^|]+ \\|$", Pattern.MULTILINE);

    @Test
    void referenceWhenComparedWithCodeThenEverySettingDocumentedAndNoneStale() {
        Set<String> inCode = new TreeSet<>();
        Set<Pattern> built = new java.util.HashSet<>();
        scanCode(inCode, built);
        Set<String> documented = documentedNames();
        Set<String> stale = new TreeSet<>(documented);
        stale.removeIf(name -> inCode.contains(name)
                || built.stream().anyMatch(pattern -> pattern.matcher(name).matches()));

        assertThat(inCode).as("settings read by the code but missing from"
                + " docs/configuration.md (add a row: | `NAME` | default | what it does |)")
                .isSubsetOf(documented);
        assertThat(stale).as("rows of docs/configuration.md that no code reads any more")
                .isEmpty();
        for (Pattern pattern : built) {
            assertThat(documented).as("documented settings of the form " + pattern)
                    .anyMatch(name -> pattern.matcher(name).matches());
        }
    }

    @Test
    void referenceWhenReadThenEachSettingHasExactlyOneRow() throws IOException {
        Matcher rows = ROW.matcher(Files.readString(Path.of("docs/configuration.md")));
        Set<String> seen = new TreeSet<>();

        while (rows.find()) {
            assertThat(seen.add(rows.group(1))).as("second row for " + rows.group(1)).isTrue();
        }

        assertThat(seen).isNotEmpty();
    }

    private static void scanCode(Set<String> names, Set<Pattern> built) {
        for (String root : new String[] {"src/main/java", "src/main/resources"}) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                files.filter(Files::isRegularFile).forEach(file -> scan(file, names, built));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void scan(Path file, Set<String> names, Set<Pattern> built) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return; // a binary resource holds no setting names
        }
        Pattern pattern = file.toString().endsWith(".java") ? LITERAL : RESOURCE;
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        Matcher builtName = BUILT.matcher(text);
        while (builtName.find()) {
            built.add(Pattern.compile("TWOFOLD_[A-Z0-9]+" + builtName.group(1)));
        }
    }

    private static Set<String> documentedNames() {
        try {
            Matcher rows = ROW.matcher(Files.readString(Path.of("docs/configuration.md")));
            Set<String> names = new TreeSet<>();
            while (rows.find()) {
                names.add(rows.group(1));
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
