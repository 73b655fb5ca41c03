package dev.twofold.login;

import dev.twofold.crypto.Randoms;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Optional;

/**
 * The two cookies of the hosted pages: the session cookie and the browser cookie that binds
 * a pending authorization request to the browser that started it. Both are HttpOnly,
 * SameSite=Lax (sent on the top-level redirect back from an app, not on cross-site POSTs),
 * Path=/; with an https issuer they are Secure and carry the {@code __Host-} prefix, which
 * forbids a Domain attribute (RFC 6265bis §4.1.3.2). Thread-safe.
 */
final class Cookies {

    static final String SESSION = "twofold_session";
    static final String BROWSER = "twofold_browser";
    static final String DEVICE = "twofold_device";

    private final Services services;

    Cookies(Services services) {
        this.services = services;
    }

    private boolean secure() {
        return services.issuer().startsWith("https:");
    }

    private String name(String base) {
        return secure() ? "__Host-" + base : base;
    }

    Optional<String> session(Context context) {
        return Optional.ofNullable(context.cookie(name(SESSION)));
    }

    void setSession(Context context, String value, Duration maxAge) {
        set(context, name(SESSION), value, maxAge);
    }

    void clearSession(Context context) {
        set(context, name(SESSION), "", Duration.ZERO);
    }

    /** The browser cookie's value, creating the cookie when the browser has none. */
    String browser(Context context) {
        String value = context.cookie(name(BROWSER));
        if (value != null && value.startsWith("brw_") && value.length() < 100) {
            return value;
        }
        String fresh = Randoms.token("brw_");
        set(context, name(BROWSER), fresh, null);
        return fresh;
    }

    /** The remembered-device cookie, set when the user ticks "remember this device". */
    Optional<String> device(Context context) {
        return Optional.ofNullable(context.cookie(name(DEVICE)));
    }

    void setDevice(Context context, String value, Duration maxAge) {
        set(context, name(DEVICE), value, maxAge);
    }

    Optional<String> existingBrowser(Context context) {
        return Optional.ofNullable(context.cookie(name(BROWSER)));
    }

    private void set(Context context, String name, String value, Duration maxAge) {
        StringBuilder cookie = new StringBuilder(name).append('=').append(value)
                .append("; Path=/; HttpOnly; SameSite=Lax");
        if (maxAge != null) {
            cookie.append("; Max-Age=").append(maxAge.toSeconds());
        }
        if (secure()) {
            cookie.append("; Secure");
        }
        context.res().addHeader("Set-Cookie", cookie.toString());
    }
}
