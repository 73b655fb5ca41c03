package dev.twofold.delivery;

import dev.twofold.server.ProtocolError;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP calls to delivery providers, with timeouts and one bounded retry.
 *
 * <p>A request is retried once only when the connection could not be opened, since then the
 * provider has certainly not received it. A timeout while waiting for the answer, a dropped
 * connection or a 5xx are not retried: the provider may have accepted the message, and a user
 * must never get the same code twice from one request. Thread-safe.
 */
final class ProviderHttp {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderHttp.class);

    /** An answer of a provider with a 2xx status. */
    record Response(int status, String body) {
    }

    private final HttpClient client;
    private final Duration timeout;

    ProviderHttp(Duration connectTimeout, Duration timeout) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
        this.timeout = timeout;
    }

    static ProviderHttp from(Settings settings) {
        return new ProviderHttp(
                settings.getDuration(Setting.DELIVERY_CONNECT_TIMEOUT),
                settings.getDuration(Setting.DELIVERY_TIMEOUT));
    }

    /** The request builder for a provider URL, with the answer timeout set. */
    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout);
    }

    /** Sends the request; a non-2xx answer or a failure becomes 503 delivery_failed. */
    Response send(String provider, Channel channel, HttpRequest request) {
        HttpResponse<String> response = sendWithConnectRetry(provider, channel, request);
        if (response.statusCode() / 100 != 2) {
            LOG.warn("{} refused a {} message with HTTP {}", provider, channel.wireName(),
                    response.statusCode());
            throw DeliveryFailures.deliveryFailed(channel, "the delivery provider answered"
                    + " with an error (HTTP " + response.statusCode() + ")");
        }
        return new Response(response.statusCode(), response.body());
    }

    private HttpResponse<String> sendWithConnectRetry(String provider, Channel channel,
                                                      HttpRequest request) {
        try {
            return sendOnce(request);
        } catch (ConnectException | HttpConnectTimeoutException first) {
            LOG.warn("{} could not be reached ({}); retrying once", provider, describe(first));
            try {
                return sendOnce(request);
            } catch (IOException second) {
                throw failed(provider, channel, second);
            }
        } catch (IOException e) {
            throw failed(provider, channel, e);
        }
    }

    private HttpResponse<String> sendOnce(HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending", e);
        }
    }

    private static ProtocolError failed(String provider, Channel channel, IOException e) {
        LOG.warn("{} did not take a {} message: {}", provider, channel.wireName(), describe(e));
        String cause = e instanceof HttpConnectTimeoutException || e instanceof ConnectException
                ? "the delivery provider could not be reached"
                : e instanceof HttpTimeoutException
                ? "the delivery provider did not answer in time"
                : "the connection to the delivery provider broke";
        return DeliveryFailures.deliveryFailed(channel, cause);
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /**
     * Checks a provider URL from configuration: https, or http to this machine only (a local
     * relay or a test stand-in), since the request carries the code.
     */
    static URI checkedUrl(String setting, String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new Settings.ConfigurationException(setting + " is not a URL: '" + value + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https")
                || scheme.equals("http") && isLoopback(uri.getHost()))) {
            throw new Settings.ConfigurationException(setting + " must be an https URL (http is"
                    + " allowed only to 127.0.0.1 or localhost), got '" + value + "'");
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return host.matches("[0-9.:\\[\\]a-fA-F]+")
                    && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
