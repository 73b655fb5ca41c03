package dev.twofold.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twofold.server.Json;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.RequestJson;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Management API request body: one JSON object whose members are checked against the
 * endpoint's known fields and read with typed getters, each refusing a wrong type with a 400
 * that names the field, what was received and what was expected. Immutable.
 */
final class JsonBody {

    static final int MAX_STRING = 2000;
    static final int MAX_NAME = 255;
    static final int MAX_JSON = 8000;

    private final ObjectNode root;

    private JsonBody(ObjectNode root) {
        this.root = root;
    }

    /** Parses the body; unknown members are refused, so a typo is not silently ignored. */
    static JsonBody parse(Context context, Set<String> knownFields) {
        return of(object(context), knownFields);
    }

    /** Wraps a JSON object built in code (the command-line tool) with the same checks. */
    static JsonBody of(ObjectNode root, Set<String> knownFields) {
        JsonBody body = new JsonBody(root);
        Set<String> unknown = new TreeSet<>();
        body.root.fieldNames().forEachRemaining(name -> {
            if (!knownFields.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw ManagementErrors.invalidBody("Payload validation error: unknown field(s) "
                    + unknown + ". This endpoint accepts " + new TreeSet<>(knownFields) + ".");
        }
        return body;
    }

    /** Parses a body that must be a JSON array (PUT /guardian/policies). */
    static JsonNode parseAny(Context context) {
        return tree(context);
    }

    private static ObjectNode object(Context context) {
        JsonNode node = tree(context);
        if (!(node instanceof ObjectNode object)) {
            throw ManagementErrors.invalidBody("The request body must be a JSON object, such as"
                    + " {\"name\":\"…\"}; received a JSON " + kind(node) + ".");
        }
        return object;
    }

    private static JsonNode tree(Context context) {
        String contentType = context.contentType() == null ? ""
                : context.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!contentType.equals("application/json")) {
            throw ManagementErrors.invalidBody("The request body has Content-Type "
                    + (contentType.isEmpty() ? "none" : contentType)
                    + "; the Management API takes application/json.");
        }
        JsonNode node = RequestJson.read(utf8(context.bodyAsBytes()), "Field",
                ManagementErrors::invalidBody);
        if (node.isMissingNode()) {
            throw ManagementErrors.invalidBody("The request body is empty; send a JSON"
                    + " object.");
        }
        return node;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ManagementErrors.invalidBody("The request body is not valid UTF-8.");
        }
    }

    boolean has(String name) {
        return root.has(name);
    }

    /** Whether the member is present with the value JSON {@code null}. */
    boolean isNull(String name) {
        return root.has(name) && root.get(name).isNull();
    }

    Optional<String> string(String name) {
        JsonNode node = present(name);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw wrongType(name, node, "a string");
        }
        return Optional.of(limited(name, node.textValue(), MAX_STRING));
    }

    /** Refuses a value longer than the column that keeps it. */
    static String limited(String name, String value, int max) {
        if (value.length() > max) {
            throw ManagementErrors.invalidBody("Field " + name + " has " + value.length()
                    + " characters; at most " + max + " are accepted.");
        }
        return value;
    }

    String requiredString(String name) {
        String value = string(name).orElseThrow(() -> ManagementErrors.invalidBody(
                "Payload validation error: missing required field " + name + "."));
        if (value.isBlank()) {
            throw ManagementErrors.invalidBody("Field " + name + " is empty; send a value.");
        }
        return value;
    }

    Optional<Boolean> bool(String name) {
        JsonNode node = present(name);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw wrongType(name, node, "true or false");
        }
        return Optional.of(node.booleanValue());
    }

    Optional<Integer> integer(String name) {
        JsonNode node = present(name);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw wrongType(name, node, "a whole number");
        }
        return Optional.of(node.intValue());
    }

    Optional<List<String>> strings(String name) {
        JsonNode node = present(name);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            throw wrongType(name, node, "an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw wrongType(name + "[]", item, "a string");
            }
            values.add(item.textValue());
        }
        return Optional.of(List.copyOf(values));
    }

    Optional<ObjectNode> object(String name) {
        JsonNode node = present(name);
        if (node == null) {
            return Optional.empty();
        }
        if (!(node instanceof ObjectNode object)) {
            throw wrongType(name, node, "a JSON object");
        }
        return Optional.of(object);
    }

    Optional<JsonNode> array(String name) {
        JsonNode node = present(name);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            throw wrongType(name, node, "an array");
        }
        return Optional.of(node);
    }

    private JsonNode present(String name) {
        JsonNode node = root.get(name);
        return node == null || node.isNull() ? null : node;
    }

    static ProtocolError wrongType(String name, JsonNode node, String expected) {
        return ManagementErrors.invalidBody("Payload validation error: field " + name
                + " is a JSON " + kind(node) + "; expected " + expected + ".");
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "array";
            case BOOLEAN -> "boolean";
            case NUMBER -> "number";
            case OBJECT, POJO -> "object";
            case STRING -> "string";
            default -> "null";
        };
    }
}
