package dev.twofold.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.BadMessageException;
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
    public static void install(Javalin app, int maxBodyBytes) {
        // Javalin compares the body limit with the int Content-Length, which is -1 beyond
        // 2 GiB: such a request waited for its body until the idle timeout, then got an empty
        // 408. It is refused at once, as any declared length over the limit is.
        app.before(context -> {
            if (context.req().getContentLengthLong() > Integer.MAX_VALUE) {
                throw bodyTooLarge(maxBodyBytes);
            }
        });
        app.exception(ProtocolError.class, (error, context) -> answer(context, error));
        app.exception(MethodNotAllowedResponse.class, (error, context) ->
                answer(context, methodNotAllowed(context, error)));
        app.exception(HttpResponseException.class, (error, context) ->
                answer(context, error.getStatus() == 413 ? bodyTooLarge(maxBodyBytes)
                        : fromJavalin(error)));
        app.exception(BadMessageException.class, (error, context) ->
                answer(context, fromJetty(error)));
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
        // Jetty's own refusals while a handler reads the body (a malformed chunk, a body that
        // stops arriving) come as a bare status; they get a JSON body like every other error.
        app.error(400, context -> {
            if (context.result() == null || context.result().isEmpty()) {
                answer(context, ProtocolError.invalidRequest("The request body could not be"
                        + " read: its chunked encoding is malformed, or the connection broke"
                        + " while it was sent. Send a well-formed HTTP/1.1 request."));
            }
        });
        app.error(408, context -> {
            if (context.result() == null || context.result().isEmpty()) {
                answer(context, ProtocolError.of(408, "request_timeout", "The request body"
                        + " stopped arriving before its end (TWOFOLD_HTTP_IDLE_TIMEOUT passed"
                        + " without a byte). Send the whole body its Content-Length"
                        + " announces."));
            }
        });
        app.error(405, context -> {
            if (context.result() == null || context.result().isEmpty()) {
                answer(context, ProtocolError.of(405, "method_not_allowed", "The method "
                        + context.method() + " is not allowed on " + context.path() + "."));
            }
        });
    }

    /**
     * 405 for a path that exists for other methods (Javalin's {@code prefer405over404}), with
     * the {@code Allow} header RFC 9110 §15.5.6 requires.
     */
    private static ProtocolError methodNotAllowed(Context context,
                                                  MethodNotAllowedResponse response) {
        String allowed = response.getDetails().getOrDefault("availableMethods", "");
        if (allowed.equals("OPTIONS")) {
            // Only the CORS preflight route matches (it covers every path under /mfa/): no
            // endpoint is there, so the answer is 404, not "use OPTIONS".
            return ProtocolError.of(404, "not_found", "No endpoint " + method(context) + " "
                    + context.path() + " exists on this server; see the API in "
                    + "GET /openapi.json.");
        }
        return ProtocolError.of(405, "method_not_allowed", "The endpoint " + context.path()
                + " does not answer " + method(context) + "; it answers " + allowed
                + ". Send the request with " + (allowed.contains(",")
                ? "one of those methods." : "that method.")).withHeader("Allow", allowed);
    }

    /**
     * The method as the client sent it: Javalin names every method it does not know
     * ({@code FOO}, {@code PROPFIND}) INVALID. Jetty has checked it is an HTTP token.
     */
    private static String method(Context context) {
        String sent = context.req().getMethod();
        return sent == null || sent.length() > 20 ? context.method().name() : sent;
    }

    /** 413 for a body over the limit, naming the limit and the setting that raises it. */
    public static ProtocolError bodyTooLarge(int maxBodyBytes) {
        return ProtocolError.of(413, "request_too_large", "The request body is larger than"
                + " this server accepts: at most " + maxBodyBytes + " bytes"
                + " (TWOFOLD_MAX_BODY_BYTES). Send a smaller body, or raise the setting.");
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

    /**
     * A refusal Jetty raises while the body is read: 408 when it arrives more slowly than
     * TWOFOLD_HTTP_MIN_REQUEST_RATE allows. Jetty's reasons are fixed texts, never request data.
     */
    private static ProtocolError fromJetty(BadMessageException error) {
        int status = error.getCode();
        if (status == 408) {
            return ProtocolError.of(408, "request_timeout", "The request body arrived more"
                    + " slowly than this server accepts (TWOFOLD_HTTP_MIN_REQUEST_RATE bytes per"
                    + " second, on average). Send the whole request at once.");
        }
        return ProtocolError.of(status >= 400 && status < 500 ? status : 400, "invalid_request",
                "The request could not be read (" + error.getReason() + "). Send a"
                        + " well-formed HTTP/1.1 request.");
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
