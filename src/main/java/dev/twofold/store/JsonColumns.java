package dev.twofold.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.twofold.server.Json;
import java.util.List;

/** Lists and objects kept in a VARCHAR column as JSON. Stateless. */
public final class JsonColumns {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private JsonColumns() {
    }

    public static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Value cannot be written as JSON", e);
        }
    }

    public static List<String> strings(String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        try {
            return List.copyOf(Json.MAPPER.readValue(json, STRINGS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored JSON list is corrupt", e);
        }
    }

    /** A stored JSON document as a tree; a missing node when the column is empty. */
    public static JsonNode tree(String json) {
        if (json == null || json.isEmpty()) {
            return MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored JSON document is corrupt", e);
        }
    }
}
