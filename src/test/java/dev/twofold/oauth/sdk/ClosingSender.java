package dev.twofold.oauth.sdk;

import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends the Nimbus SDK's requests with a {@link HttpClient} the test closes before the node
 * stops, so no idle keep-alive connection holds the node's graceful stop.
 */
final class ClosingSender implements HTTPRequestSender, AutoCloseable {

    /** Headers java.net.http sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length",
            "host", "expect", "upgrade");

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public ReadOnlyHTTPResponse send(ReadOnlyHTTPRequest request) throws IOException {
        String body = request.getBody();
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.getURI())
                .timeout(Duration.ofSeconds(30))
                .method(request.getMethod().name(), body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        request.getHeaderMap().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        try {
            return toNimbus(client.send(builder.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static HTTPResponse toNimbus(HttpResponse<String> response) {
        HTTPResponse answer = new HTTPResponse(response.statusCode());
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            if (!header.getKey().startsWith(":")) {
                answer.setHeader(header.getKey(), header.getValue().toArray(String[]::new));
            }
        }
        answer.setBody(response.body());
        return answer;
    }

    @Override
    public void close() {
        client.close();
    }
}
