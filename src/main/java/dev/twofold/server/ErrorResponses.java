package dev.twofold.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where errors become responses: a JSON body {@code {"error","error_description"}}
 * with {@code Cache-Control: no-store}, never a stack trace. A fault of the server itself is
 * logged at ERROR and answered with a generic 500 body; every client error is a 4xx.
 */
public final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    /** Installs the handlers on an application. */
    public static void install(Javalin app) {
        app.exception(ProtocolError.class, (error, context) -> answer(context, error));
        app.exception(HttpResponseException.class, (error, context) ->
                answer(context, fromJavalin(error)));
        app.exception(Exception.class, (error, context) -> {
            LOG.error("Unexpected fault answering {} {}", context.method(), context.path(), error);
            answer(context, ProtocolError.of(500, "server_error",
                    "Twofold could not complete the request; the fault is logged on the server."));
        });
        app.error(404, context -> {
            if (context.result() == null || context.result().isEmpty()) {
                answer(context, ProtocolError.of(404, "not_found", "No endpoint "
                        + context.method() + " " + context.path() + " exists on this server."));
            }
        });
        app.error(405, context -> answer(context, ProtocolError.of(405, "method_not_allowed",
                "The method " + context.method() + " is not allowed on " + context.path() + ".")));
    }

    /** Writes the error as the response. */
    public static void answer(Context context, ProtocolError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.error());
        body.put("error_description", error.description());
        body.putAll(error.extraFields());
        error.headers().forEach(context::header);
        context.header("Cache-Control", "no-store");
        context.header("Pragma", "no-cache");
        context.status(error.status());
        context.json(body);
    }

    private static ProtocolError fromJavalin(HttpResponseException error) {
        int status = error.getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "request_too_large";
            default -> status >= 500 ? "server_error" : "invalid_request";
        };
        return ProtocolError.of(status, code, error.getMessage());
    }
}
