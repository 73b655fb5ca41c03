package dev.twofold.login;

import dev.twofold.crypto.Randoms;
import dev.twofold.crypto.Secret;
import dev.twofold.oauth.authorize.PendingAuthorization;
import dev.twofold.oauth.authorize.PendingAuthorizationStore;
import dev.twofold.server.ProtocolError;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks every hosted page shares: a pending request is served only to the browser that
 * started it (its browser cookie), and every form carries a CSRF token derived from that
 * cookie and the request. Thread-safe.
 */
final class BrowserBinding {

    private static final Logger LOG = LoggerFactory.getLogger(BrowserBinding.class);

    private final PendingAuthorizationStore pendingRequests;
    private final Cookies cookies;

    BrowserBinding(PendingAuthorizationStore pendingRequests, Cookies cookies) {
        this.pendingRequests = pendingRequests;
        this.cookies = cookies;
    }

    /** The pending request, if it is live and was started by this browser. */
    PendingAuthorization pendingFor(Context context, Optional<String> requestId) {
        String id = requestId.filter(value -> value.length() <= 64).orElseThrow(() ->
                ProtocolError.invalidRequest("This page needs the sign-in request it belongs"
                        + " to; go back to the application and sign in again."));
        PendingAuthorization pending = pendingRequests.find(id).orElseThrow(() ->
                ProtocolError.of(400, "expired", "This sign-in has expired or was finished;"
                        + " go back to the application and sign in again."));
        Optional<String> browser = cookies.existingBrowser(context);
        if (browser.isEmpty() || !Secret.constantTimeEquals(Randoms.sha256(browser.get()),
                pending.browserHash())) {
            throw ProtocolError.of(403, "access_denied", "This sign-in was started in another"
                    + " browser, or this browser blocks cookies; start it again here, with"
                    + " cookies allowed for this site.");
        }
        return pending;
    }

    /** The CSRF token of a form of this pending request in this browser. */
    String csrf(Context context, PendingAuthorization pending) {
        return csrf(cookies.existingBrowser(context).orElseThrow(), pending.id());
    }

    /**
     * The key of this sign-in's MFA transaction: like the CSRF token, only this browser can
     * compute it, but it is never put in a page.
     */
    String mfaKey(Context context, PendingAuthorization pending) {
        return csrf(cookies.existingBrowser(context).orElseThrow(), "mfa:" + pending.id());
    }

    void checkCsrf(Context context, PendingAuthorization pending, Optional<String> token) {
        if (token.isEmpty() || !Secret.constantTimeEquals(token.get(),
                csrf(context, pending))) {
            LOG.warn("Hosted page form for client {} had a wrong CSRF token",
                    pending.clientId());
            throw ProtocolError.of(403, "access_denied", "The form was not sent from this"
                    + " sign-in page; reload the page and try again.");
        }
    }

    /** The CSRF token: HMAC-SHA256 of the request id, keyed by the browser cookie. */
    static String csrf(String browserCookie, String requestId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(browserCookie.getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            byte[] tag = mac.doFinal(requestId.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every Java platform has HmacSHA256", e);
        }
    }
}
