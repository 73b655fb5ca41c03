package dev.twofold.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
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
    private final boolean json;

    private Params(Map<String, List<String>> values, boolean json) {
        this.values = values;
        this.json = json;
    }

    public static Params of(Map<String, List<String>> values) {
        return new Params(Collections.unmodifiableMap(new LinkedHashMap<>(values)), false);
    }

    /**
     * Parses the body of a request by its content type: form or JSON. Any other type, invalid
     * UTF-8 or malformed JSON is refused with {@code invalid_request}.
     */
    public static Params fromBody(Context context) {
        String contentType = context.contentType();
        String mediaType = contentType == null ? ""
                : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        byte[] body = context.bodyAsBytes();
        return switch (mediaType) {
            case "application/x-www-form-urlencoded" -> fromForm(decodeUtf8(body));
            case "application/json" -> fromJson(decodeUtf8(body));
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

    static String decodeUtf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ProtocolError.invalidRequest("The request body is not valid UTF-8.");
        }
    }

    /** Parses {@code application/x-www-form-urlencoded} text (WHATWG URL, §5.1). */
    public static Params fromForm(String body) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return new Params(values, false);
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = FormCodec.decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : FormCodec.decode(pair.substring(equals + 1));
            values.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        return new Params(Collections.unmodifiableMap(refuseNul(values)), false);
    }

    /**
     * Parses a JSON object whose members are strings, numbers, booleans or arrays of those.
     * Nested objects are refused: no OAuth or MFA parameter is an object.
     */
    public static Params fromJson(String body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw ProtocolError.invalidRequest("The request body is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw ProtocolError.invalidRequest("The JSON request body must be an object of"
                    + " parameters, such as {\"grant_type\":\"…\"}.");
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        root.properties().forEach(member -> {
            List<String> list = new ArrayList<>();
            JsonNode node = member.getValue();
            if (node.isArray()) {
                node.forEach(item -> list.add(scalar(member.getKey(), item)));
            } else if (!node.isNull()) {
                list.add(scalar(member.getKey(), node));
            }
            values.put(member.getKey(), list);
        });
        return new Params(Collections.unmodifiableMap(refuseNul(values)), true);
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
        throw ProtocolError.invalidRequest("Parameter " + name
                + " must be a string, number or boolean, not a JSON object or nested array.");
    }

    /** Whether the body was JSON. */
    public boolean isJson() {
        return json;
    }

    public boolean has(String name) {
        List<String> list = values.get(name);
        return list != null && !list.isEmpty();
    }

    /** The value of a parameter sent at most once; a repeated parameter is refused. */
    public Optional<String> single(String name) {
        List<String> list = values.get(name);
        if (list == null || list.isEmpty()) {
            return Optional.empty();
        }
        if (list.size() > 1) {
            throw ProtocolError.invalidRequest("Parameter " + name + " was sent "
                    + list.size() + " times; send it once.");
        }
        String value = list.get(0);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** A required parameter: missing or empty is refused, naming it. */
    public String required(String name) {
        return single(name).orElseThrow(() -> ProtocolError.invalidRequest(
                "Missing required parameter: " + name + "."));
    }

    /**
     * All values of a parameter: a JSON array, a repeated form field, or one value. A single
     * value holding spaces is not split; callers that take space-separated lists split it.
     */
    public List<String> list(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** Refuses the request if any parameter appears more than once (RFC 6749 §3.1). */
    public Params requireNoRepeats() {
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
