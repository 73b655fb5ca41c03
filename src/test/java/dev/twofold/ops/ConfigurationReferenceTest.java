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
 * docs/configuration.md and the code cannot drift: every {@code TWOFOLD_*} name the main code
 * or its resources mention has a row in the table, and every row names a setting in the code.
 */
class ConfigurationReferenceTest {

    private static final Pattern NAME = Pattern.compile("TWOFOLD_[A-Z0-9_]*[A-Z0-9]");
    private static final Pattern ROW = Pattern.compile("^\\| `(TWOFOLD_[A-Z0-9_]+)` \\|"
            + " [^|]+ \\| [^|]+ \\|$", Pattern.MULTILINE);

    @Test
    void referenceWhenComparedWithCodeThenEverySettingDocumentedAndNoneStale() {
        Set<String> inCode = namesInCode();
        Set<String> documented = documentedNames();

        assertThat(inCode).as("settings read by the code but missing from"
                + " docs/configuration.md (add a row: | `NAME` | default | what it does |)")
                .isSubsetOf(documented);
        assertThat(documented).as("rows of docs/configuration.md that no code reads any more")
                .isSubsetOf(inCode);
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

    private static Set<String> namesInCode() {
        Set<String> names = new TreeSet<>();
        for (String root : new String[] {"src/main/java", "src/main/resources"}) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                files.filter(Files::isRegularFile).forEach(file -> addNames(file, names));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // "TWOFOLD_" alone is the prefix Settings filters on, not a setting.
        names.remove("TWOFOLD_");
        return names;
    }

    private static void addNames(Path file, Set<String> names) {
        try {
            Matcher matcher = NAME.matcher(Files.readString(file));
            while (matcher.find()) {
                names.add(matcher.group());
            }
        } catch (IOException e) {
            // A binary resource holds no setting names.
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
