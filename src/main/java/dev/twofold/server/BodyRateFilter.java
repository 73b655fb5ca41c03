package dev.twofold.server;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;

/**
 * Refuses with 408 a request body that the client sends more slowly than
 * TWOFOLD_HTTP_MIN_REQUEST_RATE bytes per second, counting only the time the server spent
 * waiting for the client's bytes.
 *
 * <p>Jetty's own minimum data rate divides the bytes by the time since the first byte, so a
 * small body that had fully arrived was refused whenever the server itself paused for a
 * quarter of a second between two reads (a loaded machine, a garbage collection): 60 bytes
 * at 256 bytes per second allow only 234 ms. Here a read that returns bytes already received
 * costs nothing; only reads that block on the network add up, and the rate is judged once
 * they exceed {@link #GRACE_NANOS}.
 */
final class BodyRateFilter implements Filter {

    /** Waiting shorter than this is never refused: one slow packet is not a dripping client. */
    static final long GRACE_NANOS = 1_000_000_000L;

    private final long minBytesPerSecond;

    private BodyRateFilter(long minBytesPerSecond) {
        this.minBytesPerSecond = minBytesPerSecond;
    }

    /** Installs the filter on every request of the context; a rate of 0 installs nothing. */
    static void install(ServletContextHandler context, long minBytesPerSecond) {
        if (minBytesPerSecond > 0) {
            context.addFilter(new FilterHolder(new BodyRateFilter(minBytesPerSecond)), "/*",
                    EnumSet.of(DispatcherType.REQUEST));
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http) {
            chain.doFilter(new Wrapped(http, minBytesPerSecond), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    private static final class Wrapped extends HttpServletRequestWrapper {
        private final long minBytesPerSecond;
        private Metered input;

        Wrapped(HttpServletRequest request, long minBytesPerSecond) {
            super(request);
            this.minBytesPerSecond = minBytesPerSecond;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (input == null) {
                input = new Metered(super.getInputStream(), minBytesPerSecond);
            }
            return input;
        }
    }

    /** The body stream, timing each blocking read. Used by one request thread at a time. */
    static final class Metered extends ServletInputStream {
        private final ServletInputStream body;
        private final long minBytesPerSecond;
        private long bytes;
        private long waitedNanos;

        Metered(ServletInputStream body, long minBytesPerSecond) {
            this.body = body;
            this.minBytesPerSecond = minBytesPerSecond;
        }

        @Override
        public int read() throws IOException {
            long start = System.nanoTime();
            int value = body.read();
            account(value < 0 ? 0 : 1, System.nanoTime() - start);
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            long start = System.nanoTime();
            int read = body.read(buffer, offset, length);
            account(Math.max(read, 0), System.nanoTime() - start);
            return read;
        }

        private void account(int read, long nanos) {
            bytes += read;
            waitedNanos += nanos;
            if (tooSlow(bytes, waitedNanos, minBytesPerSecond)) {
                throw new BadMessageException(408, "Request content data rate too low");
            }
        }

        @Override
        public int available() throws IOException {
            return body.available();
        }

        @Override
        public void close() throws IOException {
            body.close();
        }

        @Override
        public boolean isFinished() {
            return body.isFinished();
        }

        @Override
        public boolean isReady() {
            return body.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            body.setReadListener(listener);
        }
    }

    /** Whether {@code bytes} received over {@code waitedNanos} of waiting is below the rate. */
    static boolean tooSlow(long bytes, long waitedNanos, long minBytesPerSecond) {
        return waitedNanos > GRACE_NANOS
                && bytes * 1_000_000_000L < minBytesPerSecond * waitedNanos;
    }
}
