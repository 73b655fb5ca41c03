package dev.twofold.server;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Requests that Jetty refuses before Javalin sees them (a broken request line or header,
 * headers too large, an ambiguous path) get the same JSON error body as every other refusal,
 * not Jetty's HTML page. Jetty's reasons are fixed texts such as "Bad EOL"; they never hold
 * request data. Also sets how long an idle or stalled connection is kept, and how slowly a
 * request body may arrive. Thread-safe.
 */
final class JettyErrors extends ErrorHandler {

    private JettyErrors() {
    }

    /**
     * Installs the JSON error handler and the idle timeout on a server before it starts.
     * Jetty's own minimum body data rate stays off: {@link BodyRateFilter} judges it instead.
     */
    static void install(Server server, long idleTimeoutMillis) {
        server.setErrorHandler(new JettyErrors());
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                    if (connector instanceof AbstractConnector abstractConnector) {
                        abstractConnector.setIdleTimeout(idleTimeoutMillis);
                    }
                }
            }
        });
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        fields.put(new HttpField("X-Content-Type-Options", "nosniff"));
        return ByteBuffer.wrap(body(status, reason));
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request,
                       HttpServletResponse response) throws IOException {
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        int status = response.getStatus();
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getOutputStream().write(body(status, message == null ? null
                : message.toString()));
        baseRequest.setHandled(true);
    }

    private static byte[] body(int status, String reason) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", status == 413 || status == 431 ? "request_too_large"
                : status >= 500 ? "server_error" : "invalid_request");
        body.put("error_description", "The HTTP request was refused before it was read ("
                + status + (reason == null || reason.isBlank() ? "" : ": " + reason)
                + "); send a well-formed HTTP/1.1 request with headers under 8 KiB and a"
                + " plain path.");
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            return "{\"error\":\"invalid_request\",\"error_description\":\"Malformed request.\"}"
                    .getBytes(StandardCharsets.UTF_8);
        }
    }
}
