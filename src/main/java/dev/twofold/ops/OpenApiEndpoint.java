package dev.twofold.ops;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of every endpoint, kept as a resource
 * ({@code src/main/resources/openapi.json}). A test compares it with the routes the server
 * really registers, in both directions, so it cannot drift.
 */
final class OpenApiEndpoint {

    static final String RESOURCE = "/openapi.json";

    private OpenApiEndpoint() {
    }

    static void install(Javalin app) {
        byte[] document = read();
        app.get("/openapi.json", context -> context.contentType("application/json")
                .header("Cache-Control", "public, max-age=300").result(document));
    }

    private static byte[] read() {
        try (InputStream in = OpenApiEndpoint.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
