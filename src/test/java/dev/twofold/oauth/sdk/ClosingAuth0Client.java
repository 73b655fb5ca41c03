package dev.twofold.oauth.sdk;

import com.auth0.net.client.Auth0HttpClient;
import com.auth0.net.client.Auth0HttpRequest;
import com.auth0.net.client.Auth0HttpResponse;
import com.auth0.net.client.HttpRequestBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Carries the Auth0 SDK's requests over a {@link HttpClient} the test closes before the node
 * stops, so no idle keep-alive connection holds the node's graceful stop. JSON bodies only,
 * which is all the requests under test send.
 */
final class ClosingAuth0Client implements Auth0HttpClient, AutoCloseable {

    private static final Set<String> RESTRICTED = Set.of("connection", "content-length",
            "host", "expect", "upgrade");

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Auth0HttpResponse sendRequest(Auth0HttpRequest request) throws IOException {
        try {
            return answer(client.send(toJava(request), HttpResponse.BodyHandlers.ofString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public CompletableFuture<Auth0HttpResponse> sendRequestAsync(Auth0HttpRequest request) {
        return client.sendAsync(toJava(request), HttpResponse.BodyHandlers.ofString())
                .thenApply(ClosingAuth0Client::answer);
    }

    private static HttpRequest toJava(Auth0HttpRequest request) {
        HttpRequestBody body = request.getBody();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(request.getUrl()))
                .timeout(Duration.ofSeconds(30))
                .method(request.getMethod().name(), body == null || body.getContent() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body.getContent()));
        if (body != null && body.getContentType() != null) {
            builder.header("Content-Type", body.getContentType());
        }
        request.getHeaders().forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))
                    && !name.equalsIgnoreCase("Content-Type")) {
                builder.header(name, value);
            }
        });
        return builder.build();
    }

    private static Auth0HttpResponse answer(HttpResponse<String> response) {
        Map<String, String> headers = new HashMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
        return Auth0HttpResponse.newBuilder().withStatusCode(response.statusCode())
                .withBody(response.body()).withHeaders(headers).build();
    }

    @Override
    public void close() {
        client.close();
    }
}
