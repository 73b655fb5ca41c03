package dev.twofold.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.BadMessageException;
import org.junit.jupiter.api.Test;

/**
 * The body rate is judged on the time spent waiting for the client only. The refusal over
 * HTTP (a client dripping its body) is shown by SlowAndHugeRequestTest; here the two sides of
 * the rule are shown on a real pipe, where "waiting" is a reader blocked on a writer thread.
 */
class BodyRateFilterTest {

    private static final long RATE = 256;

    @Test
    void readWhenBodyHadArrivedAndTheServerPausedBetweenReadsThenNotRefused() throws Exception {
        byte[] body = "grant_type=password&username=alice%40example.com&client_id=c1"
                .getBytes(StandardCharsets.US_ASCII);
        PipedInputStream pipe = new PipedInputStream(1024);
        try (PipedOutputStream client = new PipedOutputStream(pipe)) {
            client.write(body);
        }
        BodyRateFilter.Metered input = new BodyRateFilter.Metered(servlet(pipe), RATE);

        byte[] first = input.readNBytes(10);
        // 62 bytes at 256 B/s allow 242 ms since the first byte by Jetty's rule; the pause
        // here is the server's (a busy machine), not the client's.
        Thread.sleep(1_300);
        byte[] rest = input.readAllBytes();

        assertThat(first.length + rest.length).isEqualTo(body.length);
    }

    @Test
    void readWhenClientDripsBytesThenRefusedWith408OnceTheGraceHasPassed() throws Exception {
        PipedInputStream pipe = new PipedInputStream(1024);
        PipedOutputStream client = new PipedOutputStream(pipe);
        Thread dripping = Thread.ofPlatform().daemon().start(() -> {
            try (client) {
                for (int i = 0; i < 40; i++) {
                    client.write('a');
                    client.flush();
                    Thread.sleep(300);
                }
            } catch (IOException | InterruptedException closed) {
                // The reader gave up: the point of the test.
            }
        });
        BodyRateFilter.Metered input = new BodyRateFilter.Metered(servlet(pipe), RATE);
        long started = System.nanoTime();

        assertThatThrownBy(input::readAllBytes).isInstanceOfSatisfying(
                BadMessageException.class, refusal -> assertThat(refusal.getCode())
                        .isEqualTo(408));

        // A few bytes over a second of waiting is far below 256 B/s: refused soon after the
        // one-second grace, long before the 40 bytes (12 s) could all arrive.
        assertThat((System.nanoTime() - started) / 1_000_000).isBetween(1_000L, 3_000L);
        pipe.close();
        dripping.join(15_000);
    }

    @Test
    void tooSlowWhenRateIsExactlyMetThenNotRefused() {
        // 512 bytes in 2 s of waiting is exactly 256 B/s; one byte fewer is below it.
        assertThat(BodyRateFilter.tooSlow(512, 2_000_000_000L, RATE)).isFalse();
        assertThat(BodyRateFilter.tooSlow(511, 2_000_000_000L, RATE)).isTrue();
        // Inside the grace nothing is refused, however few bytes came.
        assertThat(BodyRateFilter.tooSlow(0, BodyRateFilter.GRACE_NANOS, RATE)).isFalse();
    }

    private static ServletInputStream servlet(InputStream in) {
        return new ServletInputStream() {
            @Override
            public int read() throws IOException {
                return in.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return in.read(buffer, offset, length);
            }

            @Override
            public boolean isFinished() {
                return false;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
