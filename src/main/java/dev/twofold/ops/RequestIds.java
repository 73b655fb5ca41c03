package dev.twofold.ops;

import dev.twofold.crypto.Randoms;
import dev.twofold.server.ClientIp;
import io.javalin.Javalin;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a sane token, else a
 * fresh random one. The id is echoed in the response header and put in the SLF4J MDC under
 * {@code request_id}, so every log line and audit event of the request carries it.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "request_id";
    // Anything else could forge log lines (new lines) or flood the logs (length).
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final ThreadLocal<Current> CURRENT = new ThreadLocal<>();

    /**
     * The request the current thread answers: who sent it, and whether an entry standing for
     * its outcome was recorded ({@link AuditEvent.Builder#outcomeOfRequest()}).
     */
    static final class Current {
        final String ip;
        final String userAgent;
        volatile boolean audited;

        Current(String ip, String userAgent) {
            this.ip = ip;
            this.userAgent = userAgent;
        }
    }

    private RequestIds() {
    }

    static void install(Javalin app) {
        app.before(context -> {
            String id = chosen(context.header(HEADER));
            context.header(HEADER, id);
            // Each request runs on its own virtual thread, so the value never leaks into
            // another request; it is overwritten here on every request regardless.
            MDC.put(MDC_KEY, id);
            CURRENT.set(new Current(ClientIp.of(context), context.userAgent()));
        });
    }

    /** The incoming id if it is at most 64 of {@code [A-Za-z0-9._-]}, else a new one. */
    static String chosen(String incoming) {
        if (incoming != null && SANE.matcher(incoming).matches()) {
            return incoming;
        }
        return Randoms.urlSafe(12);
    }

    /** The request the current thread answers, if it is answering one. */
    static Optional<Current> request() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** The id of the request the current thread is answering, if any. */
    public static Optional<String> current() {
        return Optional.ofNullable(MDC.get(MDC_KEY));
    }
}
