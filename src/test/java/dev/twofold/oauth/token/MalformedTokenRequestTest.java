package dev.twofold.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Malformed token requests all get a 4xx JSON error with no-store, never a 5xx. */
class MalformedTokenRequestTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertInvalidRequest(Http.Answer answer) {
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.header("Pragma")).isEqualTo("no-cache");
        assertThat(answer.text("error")).isEqualTo("invalid_request");
        assertThat(answer.text("error_description")).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing grant_type|application/x-www-form-urlencoded|client_id=c1&client_secret=s1-secret",
        "repeated grant_type|application/x-www-form-urlencoded|grant_type=password&grant_type=password&client_id=c1",
        "repeated client_id|application/x-www-form-urlencoded|grant_type=foo&client_id=c1&client_id=c2",
        "bad JSON|application/json|{\"grant_type\": ",
        "JSON array|application/json|[1,2]",
        "nested JSON object|application/json|{\"grant_type\":{\"a\":1}}",
        "text/plain|text/plain|grant_type=password&client_id=c1",
        "broken escape|application/x-www-form-urlencoded|grant_type=%ZZ&client_id=c1",
    })
    void tokenRequestWhenMalformedThenInvalidRequestJson(String name, String type,
                                                        String body) {
        Http.Answer answer = server.http().raw("POST", "/oauth/token", type, body);

        assertInvalidRequest(answer);
    }

    @Test
    void tokenRequestWhenBodyIsNotUtf8ThenInvalidRequestJson() {
        byte[] body = {'g', 'r', 'a', 'n', 't', '_', 't', 'y', 'p', 'e', '=', (byte) 0xC3,
            (byte) 0x28};
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.issuer() + "oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();

        assertInvalidRequest(server.http().send(request));
    }

    @Test
    void tokenRequestWhenPercentEncodedBytesAreNotUtf8ThenInvalidRequestJson() {
        Http.Answer answer = server.http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded", "grant_type=%C3%28&client_id=c1");

        assertInvalidRequest(answer);
    }

    /**
     * A JSON body is JSON text, which RFC 8259 §8.1 requires in UTF-8: the refusal names the
     * JSON body and does not give the form body's advice to percent-encode.
     */
    @Test
    void tokenRequestWhenJsonBodyIsNotUtf8ThenSaysJsonNotPercentEncoding() {
        byte[] body = {'{', '"', 'g', 'r', 'a', 'n', 't', '_', 't', 'y', 'p', 'e', '"', ':',
            '"', (byte) 0xFF, '"', '}'};
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.issuer() + "oauth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();

        Http.Answer answer = server.http().send(request);

        assertInvalidRequest(answer);
        assertThat(answer.text("error_description")).contains("JSON request body")
                .contains("UTF-8").doesNotContain("percent-encode");
    }

    /**
     * curl -d '{…}' sends JSON as a form (its default Content-Type): the answer names the
     * mismatch instead of a missing grant_type, and both fixes.
     */
    @Test
    void tokenRequestWhenFormBodyIsJsonThenSaysItLooksLikeJson() {
        Http.Answer answer = server.http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded",
                "{\"grant_type\":\"client_credentials\",\"client_id\":\"c1\"}");

        assertInvalidRequest(answer);
        assertThat(answer.text("error_description")).contains("looks like JSON")
                .contains("Content-Type: application/json").doesNotContain("Missing");
    }

    /**
     * RFC 8259 §2: a JSON text is one value. A second object (or anything) after the first
     * was ignored, so {"grant_type":…}{"client_id":…} was read as the first object alone.
     * A byte order mark is refused by name (RFC 8259 §8.1: senders must not add one).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "two objects|{\"grant_type\":\"client_credentials\"}{\"client_id\":\"c1\"}|more than one JSON value",
        "object then array|{\"grant_type\":\"client_credentials\",\"client_id\":\"c1\"} []|more than one JSON value",
    })
    void tokenRequestWhenJsonBodyIsNotOneJsonTextThenInvalidRequestSayingWhy(String name,
                                                                           String body,
                                                                           String said) {
        Http.Answer answer = server.http().raw("POST", "/oauth/token", "application/json",
                body);

        assertInvalidRequest(answer);
        assertThat(answer.text("error_description")).contains(said);
    }

    @Test
    void tokenRequestWhenJsonBodyStartsWithByteOrderMarkThenSaysSo() {
        byte[] body = ("\uFEFF{\"grant_type\":\"client_credentials\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.issuer() + "oauth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();

        Http.Answer answer = server.http().send(request);

        assertInvalidRequest(answer);
        assertThat(answer.text("error_description")).contains("byte order mark")
                .contains("RFC 8259");
    }

    /** A gzip body (RFC 9110 §8.4) is named as such, not called invalid UTF-8. */
    @Test
    void tokenRequestWhenBodyIsGzipEncodedThenSaysContentEncodingIsNotRead() throws Exception {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write("grant_type=client_credentials&client_id=c1"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.issuer() + "oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build();

        Http.Answer answer = server.http().send(request);

        assertInvalidRequest(answer);
        assertThat(answer.text("error_description")).contains("Content-Encoding gzip")
                .doesNotContain("UTF-8");
    }
}
