package dev.twofold.server;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the tables of docs/configuration.md from the catalogue ({@link Setting}). Each table
 * stands between {@code <!-- settings: SECTION -->} and {@code <!-- end settings -->}; the
 * prose around the markers is kept as written. Stateless.
 */
public final class ConfigurationReference {

    private static final Pattern BLOCK = Pattern.compile(
            "(<!-- settings: ([A-Z_]+) -->\\n)(.*?)(<!-- end settings -->)", Pattern.DOTALL);

    private ConfigurationReference() {
    }

    /** The document with every marked table replaced by the catalogue's. */
    public static String rewrite(String document) {
        Matcher block = BLOCK.matcher(document);
        StringBuilder result = new StringBuilder();
        while (block.find()) {
            Setting.Section section = Setting.Section.valueOf(block.group(2));
            block.appendReplacement(result, Matcher.quoteReplacement(
                    block.group(1) + table(section) + block.group(4)));
        }
        block.appendTail(result);
        return result.toString();
    }

    /** The Markdown table of one section. */
    public static String table(Setting.Section section) {
        StringBuilder table = new StringBuilder("| setting | default | what it does |\n"
                + "|---|---|---|\n");
        Arrays.stream(Setting.values()).filter(setting -> setting.section() == section)
                .forEach(setting -> table.append(row(setting)));
        return table.toString();
    }

    private static String row(Setting setting) {
        String documentation = setting.documentation()
                + (setting.isSecret() ? " Secret: masked in the log." : "");
        return "| `" + setting.key() + "` | " + setting.fallback().text() + " | "
                + documentation.replace("|", "\\|") + " |\n";
    }

    /** The marker that opens the table of {@code section}. */
    public static String marker(Setting.Section section) {
        return "<!-- settings: " + section.name().toUpperCase(Locale.ROOT) + " -->";
    }
}
