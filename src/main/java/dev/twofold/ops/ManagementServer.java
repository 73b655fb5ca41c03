package dev.twofold.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.twofold.server.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The management port: {@code GET /metrics} (Prometheus text format) and the health checks,
 * on a listener of its own so that metrics need not be exposed where users reach the server.
 * The JDK's built-in HTTP server is enough for a scraper and a probe. Thread-safe.
 */
final class ManagementServer implements AutoCloseable {

    static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private ManagementServer(HttpServer server) {
        this.server = server;
    }

    /** Binds the host and port (0 picks a free one) and starts answering. */
    static ManagementServer start(String host, int port, Metrics metrics, Health health) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("The management port " + host + ":" + port
                    + " could not be opened; set TWOFOLD_MANAGEMENT_PORT to a free port, 0 for"
                    + " any, or 'same' to serve /metrics on the main port", e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> answer(exchange, metrics, health));
        server.start();
        return new ManagementServer(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, Metrics metrics, Health health)
            throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod())) {
                json(exchange, 405, error("method_not_allowed", "Only GET is served here."));
                return;
            }
            switch (path) {
                case "/metrics" -> send(exchange, 200, PROMETHEUS_TYPE, metrics.scrape());
                case "/health/live" -> report(exchange, health.live());
                case "/health/ready" -> report(exchange, health.ready());
                default -> json(exchange, 404, error("not_found", "No endpoint GET " + path
                        + " exists on the management port; try /metrics or /health/ready."));
            }
        }
    }

    private static void report(HttpExchange exchange, Health.Report report) throws IOException {
        json(exchange, report.httpStatus(), report.body());
    }

    private static Map<String, Object> error(String code, String description) {
        return Map.of("error", code, "error_description", description);
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        try {
            send(exchange, status, "application/json", Json.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
