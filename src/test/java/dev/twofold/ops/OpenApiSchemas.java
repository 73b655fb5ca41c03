package dev.twofold.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.OpenApi31;
import dev.twofold.testing.Http;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks real answers against the OpenAPI 3.1 document: finds the documented response of an
 * operation for the answer's status (the exact code, else its range such as {@code 4XX}, else
 * {@code default}) and validates the JSON body against that response's schema with
 * networknt's JSON Schema validator in the OpenAPI 3.1 dialect. Not thread-safe.
 */
final class OpenApiSchemas {

    /** Where the document is registered; its {@code #/components/…} references resolve here. */
    private static final String BASE = "https://twofold.test/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode document;
    private final SchemaRegistry registry;

    OpenApiSchemas(String documentText) {
        try {
            this.document = JSON.readTree(documentText);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        this.registry = SchemaRegistry.withDefaultDialect(OpenApi31.getInstance(),
                builder -> builder.schemas(Map.of(BASE, documentText)));
    }

    /**
     * The problems of {@code answer} as the answer of {@code method template}: an undocumented
     * status, a body that is not JSON where JSON is documented, or schema violations. Empty
     * when the answer matches the document.
     */
    List<String> problems(String method, String template, Http.Answer answer) {
        String operation = method.toUpperCase(Locale.ROOT) + " " + template + " -> "
                + answer.status();
        String operationPointer = "/paths/" + escape(template) + "/"
                + method.toLowerCase(Locale.ROOT);
        JsonNode responses = document.at(operationPointer + "/responses");
        if (responses.isMissingNode()) {
            return List.of(operation + ": the operation is not documented");
        }
        Optional<String> response = responseFor(responses, answer.status())
                .map(key -> resolve(operationPointer + "/responses/" + escape(key)));
        if (response.isEmpty()) {
            return List.of(operation + ": no response documented for this status");
        }
        String schemaPointer = response.get() + "/content/application~1json/schema";
        if (document.at(schemaPointer).isMissingNode()) {
            return List.of();
        }
        return validate(operation, schemaPointer, answer.body());
    }

    private List<String> validate(String operation, String schemaPointer, String body) {
        JsonNode instance;
        try {
            instance = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return List.of(operation + ": JSON is documented but the body is not JSON: " + body);
        }
        Schema schema = registry.getSchema(
                SchemaLocation.of(BASE + "#" + uriFragment(schemaPointer)));
        List<Error> errors = schema.validate(instance);
        return errors.stream().map(error -> operation + ": " + error.getInstanceLocation()
                + " " + error.getMessage() + " (body " + abbreviate(body) + ")").toList();
    }

    /** A JSON pointer token: {@code ~} and {@code /} escaped (RFC 6901). */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** A JSON pointer as a URI fragment: characters such as braces percent-encoded. */
    private static String uriFragment(String pointer) {
        StringBuilder fragment = new StringBuilder();
        for (char character : pointer.toCharArray()) {
            if (Character.isLetterOrDigit(character) || "/~-._".indexOf(character) >= 0) {
                fragment.append(character);
            } else {
                fragment.append('%').append(String.format("%02X", (int) character));
            }
        }
        return fragment.toString();
    }

    private static Optional<String> responseFor(JsonNode responses, int status) {
        for (String key : List.of(Integer.toString(status), status / 100 + "XX", "default")) {
            if (responses.has(key)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** The pointer of a response, following its {@code $ref} to #/components/responses. */
    private String resolve(String responsePointer) {
        JsonNode reference = document.at(responsePointer).path("$ref");
        return reference.isTextual() ? reference.asText().substring(1) : responsePointer;
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
