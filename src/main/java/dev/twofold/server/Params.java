package dev.twofold.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a request body, sent either as {@code application/x-www-form-urlencoded}
 * (RFC 6749 §3.2) or as a JSON object (Auth0 accepts both, and its SDKs send both).
 *
 * <p>Each name maps to its values in order. {@link #single} refuses a repeated name (RFC 6749
 * §3.1: parameters must not be included more than once); {@link #list} accepts repetition and
 * JSON arrays. Immutable and thread-safe.
 */
public final class Params {

    private final Map<String, List<String>> values;
    /** For a JSON body, the JSON type of each member; empty for a form. */
    private final Map<String, JsonNodeType> jsonTypes;
    private final boolean json;

    private Params(Map<String, List<String>> values, Map<String, JsonNodeType> jsonTypes,
                   boolean json) {
        this.values = values;
        this.jsonTypes = jsonTypes;
        this.json = json;
    }

    public static Params of(Map<String, List<String>> values) {
        return new Params(Collections.unmodifiableMap(new LinkedHashMap<>(values)), Map.of(),
                false);
    }

    /**
     * Parses the body of a request by its content type: form or JSON. Any other type, invalid
     * UTF-8 or malformed JSON is refused with {@code invalid_request}.
     */
    public static Params fromBody(Context context) {
        String contentType = context.contentType();
        String mediaType = contentType == null ? ""
                : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        String encoding = context.header("Content-Encoding");
        if (encoding != null && !encoding.isBlank()
                && !encoding.strip().equalsIgnoreCase("identity")) {
            // A compressed body would otherwise be refused as "not valid UTF-8".
            throw ProtocolError.invalidRequest("The request body has Content-Encoding "
                    + RequestJson.echo(encoding.strip()) + "; this server reads only"
                    + " uncompressed bodies. Send it without Content-Encoding.");
        }
        byte[] body = context.bodyAsBytes();
        return switch (mediaType) {
            case "application/x-www-form-urlencoded" -> fromForm(refuseJsonAsForm(
                    decodeUtf8(body)));
            case "application/json" -> fromJson(decodeUtf8(body, "The JSON request body",
                    "send the JSON text encoded in UTF-8 (RFC 8259 §8.1)."));
            case "" -> {
                if (body.length > 0) {
                    throw unsupportedType("none");
                }
                yield of(Map.of());
            }
            default -> throw unsupportedType(mediaType);
        };
    }

    private static ProtocolError unsupportedType(String received) {
        return ProtocolError.invalidRequest("The request body has Content-Type " + received
                + "; send application/x-www-form-urlencoded or application/json.");
    }

    /**
     * A form body that is a JSON object or array (curl's {@code -d '{…}'} without a JSON
     * Content-Type) would otherwise parse as one odd parameter name and be refused as
     * "Missing required parameter", which hides the cause.
     */
    private static String refuseJsonAsForm(String body) {
        String start = body.stripLeading();
        if (start.startsWith("{") || start.startsWith("[")) {
            throw ProtocolError.invalidRequest("The request body has Content-Type"
                    + " application/x-www-form-urlencoded but looks like JSON (it starts with "
                    + start.charAt(0) + "). Send JSON with Content-Type: application/json, or"
                    + " send the form as name=value pairs joined by &.");
        }
        return body;
    }

    static String decodeUtf8(byte[] body) {
        return decodeUtf8(body, "The request body");
    }

    /** Decodes UTF-8; {@code subject} names the text in a refusal ("The query string"). */
    static String decodeUtf8(byte[] body, String subject) {
        return decodeUtf8(body, subject, "percent-encode the UTF-8 bytes of each character.");
    }

    /** Decodes UTF-8; a refusal names {@code subject} and gives {@code advice}. */
    static String decodeUtf8(byte[] body, String subject, String advice) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ProtocolError.invalidRequest(subject + " is not valid UTF-8; " + advice);
        }
    }

    /** Parses {@code application/x-www-form-urlencoded} text (WHATWG URL, §5.1). */
    public static Params fromForm(String body) {
        return fromForm(body, "form body");
    }

    /** Parses a query string; refusals name the query string, not a body. */
    public static Params fromQuery(String query) {
        return fromForm(query, "query string");
    }

    private static Params fromForm(String body, String source) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return new Params(values, Map.of(), false);
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = FormCodec.decode(equals < 0 ? pair : pair.substring(0, equals),
                    source);
            String value = equals < 0 ? "" : FormCodec.decode(pair.substring(equals + 1),
                    source);
            values.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        return new Params(Collections.unmodifiableMap(refuseNul(values)), Map.of(), false);
    }

    /**
     * Parses a JSON object whose members are strings, numbers, booleans or arrays of those.
     * Nested objects are refused: no OAuth or MFA parameter is an object. A member sent twice,
     * a NUL character and an unpaired surrogate are refused by {@link RequestJson}. Each
     * member's JSON type is kept, so that {@link #single} can refuse an array or a number
     * where one string is expected.
     */
    public static Params fromJson(String body) {
        JsonNode root = RequestJson.read(body, "Parameter", ProtocolError::invalidRequest);
        if (!root.isObject()) {
            throw ProtocolError.invalidRequest("The JSON request body must be an object of"
                    + " parameters, such as {\"grant_type\":\"…\"}.");
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        Map<String, JsonNodeType> types = new LinkedHashMap<>();
        root.properties().forEach(member -> {
            List<String> list = new ArrayList<>();
            JsonNode node = member.getValue();
            if (node.isArray()) {
                node.forEach(item -> list.add(arrayItem(member.getKey(), item)));
            } else if (!node.isNull()) {
                list.add(scalar(member.getKey(), node));
            }
            values.put(member.getKey(), list);
            types.put(member.getKey(), node.getNodeType());
        });
        return new Params(Collections.unmodifiableMap(values),
                Collections.unmodifiableMap(types), true);
    }

    /**
     * No parameter legitimately holds a NUL character, and PostgreSQL cannot store one in a
     * text column: refused here, once, rather than failing as a database error later.
     */
    private static Map<String, List<String>> refuseNul(Map<String, List<String>> values) {
        values.forEach((name, list) -> {
            if (name.indexOf('\0') >= 0 || list.stream().anyMatch(v -> v.indexOf('\0') >= 0)) {
                throw ProtocolError.invalidRequest("Parameter " + name.replace("\0", "%00")
                        + " contains a NUL character (%00); send text without it.");
            }
        });
        return values;
    }

    private static String scalar(String name, JsonNode node) {
        if (node.isValueNode()) {
            return node.asText();
        }
        throw ProtocolError.invalidRequest("Parameter " + name + " is a JSON object; every"
                + " parameter of this endpoint is a string or an array of strings.");
    }

    private static String arrayItem(String name, JsonNode item) {
        if (item.isTextual()) {
            return item.textValue();
        }
        throw ProtocolError.invalidRequest("Parameter " + name + " must hold only strings,"
                + " such as [\"…\"]; an item is a JSON " + typeName(item.getNodeType()) + ".");
    }

    /** Whether the body was JSON. */
    public boolean isJson() {
        return json;
    }

    public boolean has(String name) {
        List<String> list = values.get(name);
        return list != null && !list.isEmpty();
    }

    /**
     * The value of a parameter sent at most once; a repeated form field is refused, and so is
     * a JSON value that is not a string (an array, or a number, which would lose leading
     * zeros: {@code "otp": 012345}).
     */
    public Optional<String> single(String name) {
        List<String> list = values.get(name);
        if (list == null || list.isEmpty()) {
            return Optional.empty();
        }
        requireJsonType(name, JsonNodeType.STRING, "one JSON string, such as \"…\"");
        if (list.size() > 1) {
            throw ProtocolError.invalidRequest("Parameter " + name + " was sent "
                    + list.size() + " times; send it once.");
        }
        String value = list.get(0);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /**
     * A yes-or-no parameter: {@code true} or {@code false}, as a JSON boolean (as Auth0's SDKs
     * send it) or as text (a form field, or a JSON string).
     */
    public Optional<Boolean> flag(String name) {
        JsonNodeType type = jsonTypes.get(name);
        Optional<String> value = type == JsonNodeType.BOOLEAN ? Optional.of(values.get(name)
                .get(0)) : single(name);
        return value.map(text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProtocolError.invalidRequest("Parameter " + name + " must be true"
                    + " or false; received '" + RequestJson.echo(text) + "'.");
        });
    }

    private void requireJsonType(String name, JsonNodeType expected, String shape) {
        JsonNodeType type = jsonTypes.get(name);
        if (type != null && type != expected) {
            throw ProtocolError.invalidRequest("Parameter " + name + " must be " + shape
                    + "; received a JSON " + typeName(type) + "." + (type == JsonNodeType.NUMBER
                    ? " Send it in quotes: as a number it is not text, and leading zeros"
                    + " would be lost." : ""));
        }
    }

    private static String typeName(JsonNodeType type) {
        return switch (type) {
            case ARRAY -> "array";
            case BOOLEAN -> "boolean";
            case NUMBER -> "number";
            case OBJECT, POJO -> "object";
            case STRING -> "string";
            default -> "null";
        };
    }

    /** A required parameter: missing or empty is refused, naming it. */
    public String required(String name) {
        return single(name).orElseThrow(() -> ProtocolError.invalidRequest(
                "Missing required parameter: " + name + "."));
    }

    /**
     * All values of a parameter: a JSON array of strings, a repeated form field, or one value
     * (a form field or a JSON string, read as a list of one). A single value holding spaces is
     * not split; callers that take space-separated lists split it.
     */
    public List<String> list(String name) {
        JsonNodeType type = jsonTypes.get(name);
        if (type == JsonNodeType.NUMBER || type == JsonNodeType.BOOLEAN) {
            throw ProtocolError.invalidRequest("Parameter " + name + " must be a JSON array of"
                    + " strings, such as [\"…\"]; received a JSON " + typeName(type) + ".");
        }
        return values.getOrDefault(name, List.of());
    }

    /**
     * Refuses the request if a form field appears more than once (RFC 6749 §3.1). A JSON body
     * cannot repeat a member ({@link RequestJson} refuses it), and a JSON array where one
     * value is expected is refused by {@link #single}, naming the type.
     */
    public Params requireNoRepeats() {
        if (json) {
            return this;
        }
        values.forEach((name, list) -> {
            if (list.size() > 1) {
                throw ProtocolError.invalidRequest("Parameter " + name + " was sent "
                        + list.size() + " times; send it once.");
            }
        });
        return this;
    }

    public java.util.Set<String> names() {
        return values.keySet();
    }

    @Override
    public String toString() {
        // Parameter values may be secrets; only names are shown.
        return "Params" + values.keySet();
    }
}
