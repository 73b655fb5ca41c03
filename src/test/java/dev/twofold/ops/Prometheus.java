package dev.twofold.ops;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads samples out of a Prometheus text exposition (format 0.0.4), independently of the
 * library that wrote it: {@code name{label="value",…} number} per line.
 */
final class Prometheus {

    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? ([-+0-9.eEInfNa]+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    private final String text;

    Prometheus(String text) {
        this.text = text;
    }

    /**
     * The sum of the samples named {@code name} whose labels include all of {@code labels}
     * (pairs of name and value); 0 when there is none.
     */
    double value(String name, String... labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line.trim());
            if (!sample.matches() || !sample.group(1).equals(name)) {
                continue;
            }
            if (has(parse(sample.group(2)), labels)) {
                sum += Double.parseDouble(sample.group(3));
            }
        }
        return sum;
    }

    boolean hasSeries(String name) {
        return text.lines().anyMatch(line -> line.startsWith(name + "{")
                || line.startsWith(name + " "));
    }

    private static Map<String, String> parse(String labels) {
        Map<String, String> parsed = new HashMap<>();
        if (labels != null) {
            Matcher label = LABEL.matcher(labels);
            while (label.find()) {
                parsed.put(label.group(1), label.group(2));
            }
        }
        return parsed;
    }

    private static boolean has(Map<String, String> labels, String... wanted) {
        for (int i = 0; i + 1 < wanted.length; i += 2) {
            if (!wanted[i + 1].equals(labels.get(wanted[i]))) {
                return false;
            }
        }
        return true;
    }
}
