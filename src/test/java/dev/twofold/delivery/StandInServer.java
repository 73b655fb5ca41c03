package dev.twofold.delivery;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 standing in for a provider (Twilio, a webhook receiver): it
 * records every request and answers as the test scripts it.
 */
final class StandInServer implements AutoCloseable {

    /** A request as received. */
    record Received(String method, String path, Headers headers, String body) {

        String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** How the stand-in answers. */
    enum Behaviour { ACCEPT, FAIL_500, SLOW, DROP }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Behaviour behaviour = Behaviour.ACCEPT;

    StandInServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void behave(Behaviour next) {
        this.behaviour = next;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(), exchange.getRequestHeaders(), body));
        switch (behaviour) {
            case ACCEPT -> answer(exchange, 201, "{\"sid\":\"SM0123\",\"status\":\"queued\"}");
            case FAIL_500 -> answer(exchange, 500, "{\"message\":\"internal error\"}");
            case SLOW -> {
                sleep(3_000);
                answer(exchange, 201, "{}");
            }
            // Closing without any answer drops the connection after the request arrived.
            case DROP -> exchange.close();
        }
    }

    private static void answer(HttpExchange exchange, int status, String json)
            throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
