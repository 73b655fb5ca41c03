package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import io.javalin.http.HandlerType;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document and the running server agree: every route the server registers is
 * documented, and every documented operation exists (answers neither the router's 404 nor 405).
 */
class OpenApiDocumentTest {

    private static final Set<String> METHODS =
            Set.of("get", "post", "put", "patch", "delete", "head", "options");
    private static TestServer server;
    private static JsonNode document;

    @BeforeAll
    static void start() {
        // "same" puts /metrics on the main port too, so it is one of the routes to compare.
        server = TestServer.start(Map.of("TWOFOLD_MANAGEMENT_PORT", "same"));
        Http.Answer answer = server.http().get("/openapi.json");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        document = answer.json();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void documentWhenServedThenOpenApi31WithInfoAndPaths() {
        assertThat(document.get("openapi").asText()).startsWith("3.1.");
        assertThat(document.at("/info/title").asText()).isNotBlank();
        assertThat(document.at("/info/version").asText()).isNotBlank();
        assertThat(document.get("paths").size()).isGreaterThan(10);
    }

    @Test
    void documentWhenParsedBySwaggerParserThenValidOpenApi31WithoutMessages() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);

        SwaggerParseResult result = new OpenAPIV3Parser()
                .readContents(document.toString(), null, options);

        assertThat(result.getMessages()).as("swagger-parser's findings").isEmpty();
        assertThat(result.getOpenAPI().getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(result.getOpenAPI().getPaths()).hasSize(document.get("paths").size());
    }

    @Test
    void routesWhenRegisteredThenEachIsDocumented() {
        Set<String> registered = new TreeSet<>();
        server.server().app().unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
                .map(handler -> handler.getEndpoint())
                .filter(endpoint -> endpoint.getMethod().isHttpMethod()
                        && endpoint.getMethod() != HandlerType.HEAD)
                .forEach(endpoint -> registered.add(endpoint.getMethod().name() + " "
                        + endpoint.getPath().replaceAll("<([^>]+)>", "{$1}")));

        assertThat(documentedOperations()).as("documented in src/main/resources/openapi.json")
                .containsAll(registered);
    }

    @Test
    void operationsWhenDocumentedThenServerAnswersThem() {
        for (String operation : documentedOperations()) {
            String[] parts = operation.split(" ", 2);
            String path = parts[1].replaceAll("\\{[^}]+}", "x1");

            Http.Answer answer = server.http().raw(parts[0], path, null, null);

            assertThat(answer.status()).as(operation).isNotEqualTo(405);
            boolean routerNotFound = answer.status() == 404
                    && answer.body().contains("No endpoint " + parts[0]);
            assertThat(routerNotFound).as(operation + " answered " + answer.body()).isFalse();
        }
    }

    private static Set<String> documentedOperations() {
        Set<String> operations = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (METHODS.contains(method)) {
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        return operations;
    }
}
