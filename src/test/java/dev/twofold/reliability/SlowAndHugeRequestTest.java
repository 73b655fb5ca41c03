package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The body size limit (TWOFOLD_MAX_BODY_BYTES) and the idle timeout
 * (TWOFOLD_HTTP_IDLE_TIMEOUT) stop huge and stalled requests: the server answers or closes the
 * connection instead of waiting for ever, and never with a 5xx.
 */
class SlowAndHugeRequestTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("TWOFOLD_MAX_BODY_BYTES", "4096",
                "TWOFOLD_HTTP_IDLE_TIMEOUT", "1", "TWOFOLD_HTTP_MIN_REQUEST_RATE", "50"));
        server.fixtures().confidentialClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawHttp raw() {
        return new RawHttp("127.0.0.1", server.server().port());
    }

    @Test
    void bodyWhenLargerThanTheLimitThen413JsonError() {
        byte[] body = ("grant_type=password&pad=" + "p".repeat(5_000))
                .getBytes(StandardCharsets.UTF_8);
        RawHttp.Answer answer = raw().send(RawHttp.request("POST /oauth/token HTTP/1.1\r\n"
                + "Host: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded"
                + "\r\nContent-Length: " + body.length, body));

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.body()).contains("\"error\":\"request_too_large\"")
                .contains("at most 4096 bytes").contains("TWOFOLD_MAX_BODY_BYTES")
                .doesNotContain("Content Too Large");
    }

    /**
     * A Content-Length beyond 2 GiB (an int's range) is refused at once like any other over
     * the limit; it waited for the body until the idle timeout and got an empty 408.
     */
    @Test
    void bodyWhenContentLengthBeyondIntRangeThen413JsonAtOnce() {
        long started = System.nanoTime();
        RawHttp.Answer answer = raw().send(RawHttp.request("POST /oauth/token HTTP/1.1\r\n"
                + "Host: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded"
                + "\r\nContent-Length: 99999999999", "grant_type=x".getBytes(
                        StandardCharsets.UTF_8)));

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.body()).contains("\"error\":\"request_too_large\"");
        assertThat((System.nanoTime() - started) / 1_000_000L).isLessThan(900);
    }

    /** A malformed chunk (RFC 9112 §7.1: chunk-size is hex) is a 400 with a JSON body. */
    @Test
    void bodyWhenChunkSizeIsNotHexThen400Json() {
        RawHttp.Answer answer = raw().send(RawHttp.request("POST /oauth/token HTTP/1.1\r\n"
                + "Host: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded"
                + "\r\nTransfer-Encoding: chunked", "zz\r\nabc\r\n0\r\n\r\n".getBytes(
                        StandardCharsets.UTF_8)));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.body()).contains("\"error\":\"invalid_request\"")
                .contains("chunked encoding");
    }

    @Test
    void headWhenClientStallsMidwayThenConnectionIsClosedWithoutA5xx() throws IOException {
        String answer = stall("POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Ty");

        assertThat(answer).doesNotStartWith("HTTP/1.1 5");
    }

    @Test
    void bodyWhenClientStallsMidwayThenConnectionIsClosedWithoutA5xx() throws IOException {
        String answer = stall("POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type:"
                + " application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\n"
                + "grant_type=pass");

        assertThat(answer).doesNotStartWith("HTTP/1.1 5");
        server.fixtures().alice();
        BadInputCorpusTest.assertHealthy(server);
    }

    /**
     * One body byte every 0.6 s never trips the 1 s idle timeout, and a 400-byte body would
     * take four minutes; at 50 bytes per second minimum the server must give up within a few
     * seconds (Jetty checks the rate on a read once more than a second has passed).
     */
    @Test
    void bodyWhenClientDripsJustInsideTheIdleTimeoutThenCutOffWithinSeconds()
            throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type:"
                    + " application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long started = System.nanoTime();
            boolean cutOff = false;
            for (int i = 0; i < 400 && !cutOff; i++) {
                Thread.sleep(600);
                try {
                    out.write('a');
                    out.flush();
                } catch (IOException closed) {
                    cutOff = true;
                }
                cutOff |= socket.getInputStream().available() > 0;
                if (System.nanoTime() - started > 15_000_000_000L) {
                    break;
                }
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertThat(cutOff).as("cut off after " + seconds + " s").isTrue();
            assertThat(seconds).isLessThan(10);
            String answer = readWhatIsLeft(socket);
            assertThat(answer).doesNotStartWith("HTTP/1.1 5");
            if (!answer.isEmpty()) {
                assertThat(answer).startsWith("HTTP/1.1 408")
                        .contains("TWOFOLD_HTTP_MIN_REQUEST_RATE");
            }
        }
    }

    private static String readWhatIsLeft(Socket socket) {
        try {
            return new String(socket.getInputStream().readAllBytes(),
                    StandardCharsets.ISO_8859_1);
        } catch (IOException reset) {
            return "";
        }
    }

    /** Sends a partial request and waits for the server to give up; returns what it sent. */
    private static String stall(String partial) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(partial.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            // Returns once the server closes; a read timeout fails the test.
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
