package dev.twofold.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The token endpoint's request handling (TokenEndpoint, ClientAuthenticator with the HTTP
 * Basic header) fuzzed through a real node. An input is read as {@code <line>\n<body>}: a
 * first line {@code B:<bytes>} sends {@code Authorization: Basic base64(<bytes>)}, so the
 * decoded credentials may hold any byte; {@code H:<text>} sends the text as the header;
 * anything else sends none. The body goes to POST /oauth/token as a form, or as JSON when it
 * starts with {@code {}. Every answer is JSON, never a 5xx, and an {@code invalid_client}
 * answer carries the Basic challenge.
 */
class TokenEndpointFuzzTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("TWOFOLD_PASSWORD_MAX_FAILURES", "1000000"));
        server.fixtures().confidentialClient();
        server.fixtures().alice();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @FuzzTest(maxDuration = "10m")
    void token(byte[] input) {
        int newline = indexOf(input, (byte) '\n');
        byte[] line = Arrays.copyOfRange(input, 0, newline < 0 ? input.length : newline);
        String body = newline < 0 ? "" : new String(input, newline + 1,
                input.length - newline - 1, StandardCharsets.UTF_8);
        String contentType = body.startsWith("{") ? "application/json"
                : "application/x-www-form-urlencoded";
        String[] headers = authorization(line);

        Http.Answer answer = server.http().raw("POST", "/oauth/token", contentType, body,
                headers);

        assertJsonBelow500(answer);
        if ("invalid_client".equals(errorOf(answer)) && answer.status() == 401) {
            assertThat(answer.header("WWW-Authenticate")).startsWith("Basic realm=");
        }
    }

    private static String[] authorization(byte[] line) {
        String text = new String(line, StandardCharsets.ISO_8859_1);
        if (text.startsWith("B:")) {
            byte[] credentials = Arrays.copyOfRange(line, 2, line.length);
            return new String[] {"Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials)};
        }
        if (text.startsWith("H:")) {
            return new String[] {"Authorization", clean(text.substring(2))};
        }
        return new String[0];
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** The JDK client refuses control characters in headers; the socket corpus covers them. */
    private static String clean(String value) {
        StringBuilder out = new StringBuilder();
        value.chars().filter(c -> c >= 0x20 && c < 0x7F).forEach(c -> out.append((char) c));
        return out.toString().isBlank() ? "x" : out.toString().strip();
    }

    private static String errorOf(Http.Answer answer) {
        try {
            return MAPPER.readTree(answer.body()).path("error").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static void assertJsonBelow500(Http.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isBetween(200, 499);
        try {
            JsonNode body = MAPPER.readTree(answer.body());
            if (answer.status() >= 400) {
                assertThat(body.path("error").isTextual()).as(answer.body()).isTrue();
            }
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + answer.body(), e);
        }
    }
}
