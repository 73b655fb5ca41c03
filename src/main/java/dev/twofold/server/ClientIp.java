package dev.twofold.server;

import io.javalin.config.Key;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;

/**
 * The client IP of a request, for limits, the audit log and the logs: the TCP peer, or behind
 * a trusted proxy the address it forwarded ({@link TrustedProxies}). Use this everywhere
 * instead of {@code Context.ip()}.
 */
public final class ClientIp {

    /** Where the app keeps its trusted proxies. */
    public static final Key<TrustedProxies> KEY = new Key<>("twofold.trustedProxies");

    private ClientIp() {
    }

    public static String of(Context context) {
        List<String> forwarded = Collections.list(context.req().getHeaders("X-Forwarded-For"));
        return proxies(context).clientIp(context.ip(), forwarded);
    }

    private static TrustedProxies proxies(Context context) {
        try {
            return context.appData(KEY);
        } catch (IllegalStateException | IllegalArgumentException notInstalled) {
            // An app that did not register proxies (a test's stand-in) trusts none.
            return TrustedProxies.NONE;
        }
    }
}
