package dev.twofold.oauth.authorize;

import dev.twofold.server.ProtocolError;
import io.javalin.http.Context;

/**
 * What the authorization endpoint hands the browser to once a request is valid: the hosted
 * pages of the {@code login} package implement it. Keeps this package free of HTML.
 */
public interface AuthorizationUi {

    /** Continues a valid, stored request: reuse a session, or show the login page. */
    void interact(Context context, PendingAuthorization pending);

    /**
     * Shows an error page for a request that cannot be redirected: its client or redirect URI
     * is unknown (RFC 6749 §4.1.2.1). Status 400.
     */
    void showError(Context context, ProtocolError error);

    /** The SHA-256 of this browser's binding cookie, setting the cookie first if needed. */
    String browserHash(Context context);
}
