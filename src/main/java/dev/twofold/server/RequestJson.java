package dev.twofold.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a request body as JSON, once, for every endpoint that takes one: a member sent twice
 * is refused (instead of the last one silently winning), and so is a NUL character or an
 * unpaired UTF-16 surrogate anywhere in a name or a string (PostgreSQL text cannot hold a
 * NUL; an unpaired surrogate is not Unicode text). Every refusal is written here, never
 * Jackson's wording. Thread-safe.
 */
public final class RequestJson {

    // A second value after the first ({"a":1} xyz, {"a":1}{"b":2}) is not one JSON text
    // (RFC 8259 §2) and is refused, not cut off after the first.
    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature())
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_ECHO = 64;

    private RequestJson() {
    }

    /**
     * Parses the text; {@code noun} names a member in refusals ("Parameter", "Field") and
     * {@code refusal} turns a description into the endpoint's error.
     *
     * @return the parsed tree, or a missing node for an empty body
     */
    public static JsonNode read(String text, String noun,
                                Function<String, ProtocolError> refusal) {
        if (text.startsWith("\uFEFF")) {
            throw refusal.apply("The JSON body starts with a byte order mark (U+FEFF), which"
                    + " JSON sent over a network must not have (RFC 8259 §8.1); send it"
                    + " without.");
        }
        JsonNode root;
        try {
            root = READER.readTree(text);
        } catch (StreamConstraintsException e) {
            throw refusal.apply(tooLarge(e));
        } catch (JacksonException e) {
            throw refusal.apply(duplicateName(e)
                    .map(name -> noun + " " + name + " was sent more than once in the JSON"
                            + " body; send it once.")
                    .orElseGet(() -> notJson(e)));
        }
        if (root == null) {
            return MissingNode.getInstance();
        }
        checkText(root, "", noun, refusal);
        return root;
    }

    private static Optional<String> duplicateName(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null || !message.startsWith("Duplicate field")) {
            return Optional.empty();
        }
        if (e.getProcessor() instanceof JsonParser parser) {
            try {
                return Optional.ofNullable(parser.currentName()).map(RequestJson::echo);
            } catch (java.io.IOException | RuntimeException unreadable) {
                return Optional.of("(a name)");
            }
        }
        return Optional.of("(a name)");
    }

    private static String tooLarge(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.contains("nesting depth")) {
            return "The JSON body nests arrays or objects more than " + Json.MAX_NESTING_DEPTH
                    + " levels deep; no request of this server needs more than a few levels.";
        }
        return "The JSON body holds a string, number or name longer than this server accepts;"
                + " send shorter values.";
    }

    private static String notJson(JacksonException e) {
        JsonLocation location = e.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr()
                + ", column " + location.getColumnNr();
        if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
            return "The request body holds more than one JSON value: another begins" + where
                    + " after the first has ended; send exactly one JSON object, such as"
                    + " {\"name\":\"value\"}.";
        }
        return "The request body is not valid JSON" + where + " (" + reason(e) + "); send one"
                + " JSON object, such as {\"name\":\"value\"}.";
    }

    /** Jackson's short reason, without its source and location notes. */
    private static String reason(JacksonException e) {
        String message = String.valueOf(e.getOriginalMessage());
        for (String marker : new String[] {"\n", " (start marker", " at [Source", "; line:"}) {
            int at = message.indexOf(marker);
            if (at >= 0) {
                message = message.substring(0, at);
            }
        }
        return message.strip();
    }

    private static void checkText(JsonNode node, String path, String noun,
                                  Function<String, ProtocolError> refusal) {
        if (node.isTextual()) {
            checkString(node.textValue(), path, noun, refusal);
            return;
        }
        if (node.isArray()) {
            for (int index = 0; index < node.size(); index++) {
                checkText(node.get(index), path + "[" + index + "]", noun, refusal);
            }
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> members = node.fields();
        while (members.hasNext()) {
            Map.Entry<String, JsonNode> member = members.next();
            String name = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
            checkString(member.getKey(), name, noun, refusal);
            checkText(member.getValue(), name, noun, refusal);
        }
    }

    private static void checkString(String value, String path, String noun,
                                    Function<String, ProtocolError> refusal) {
        if (value.indexOf('\0') >= 0) {
            throw refusal.apply(noun + " " + echo(path) + " contains a NUL character"
                    + " (\\u0000); send text without it.");
        }
        if (hasUnpairedSurrogate(value)) {
            throw refusal.apply(noun + " " + echo(path) + " contains an unpaired UTF-16"
                    + " surrogate (a \\uD800-\\uDFFF escape without its pair), which is not"
                    + " Unicode text; send valid characters.");
        }
    }

    private static boolean hasUnpairedSurrogate(String value) {
        for (int index = 0; index < value.length(); index++) {
            char character = value.charAt(index);
            if (Character.isHighSurrogate(character) && index + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(index + 1))) {
                index++;
            } else if (Character.isSurrogate(character)) {
                return true;
            }
        }
        return false;
    }

    /** A client-sent name, printable and short, for a description. */
    static String echo(String name) {
        String printable = name.replaceAll("[\\p{Cntrl}\\p{Cs}]", "?");
        return printable.length() <= MAX_ECHO ? printable
                : printable.substring(0, MAX_ECHO) + "…";
    }
}
