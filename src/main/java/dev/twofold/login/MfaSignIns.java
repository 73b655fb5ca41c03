package dev.twofold.login;

import dev.twofold.mfa.BrowserMfa;
import dev.twofold.mfa.MfaTransaction;
import dev.twofold.oauth.Authentication;
import dev.twofold.oauth.authorize.PendingAuthorization;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks every second-factor page starts with: the pending request belongs to this
 * browser ({@link BrowserBinding}), a form carries its CSRF token, the browser is signed in;
 * then the MFA transaction of this sign-in, found by a key derived from the browser cookie.
 * Thread-safe.
 */
final class MfaSignIns {

    private static final Logger LOG = LoggerFactory.getLogger(MfaSignIns.class);

    private final Services services;
    private final BrowserBinding binding;
    private final BrowserSessionStore sessions;
    private final Cookies cookies;
    private final BrowserMfa mfa;
    private final Pages pages;

    MfaSignIns(Services services, BrowserBinding binding, BrowserSessionStore sessions,
               Cookies cookies, BrowserMfa mfa, Pages pages) {
        this.services = services;
        this.binding = binding;
        this.sessions = sessions;
        this.cookies = cookies;
        this.mfa = mfa;
        this.pages = pages;
    }

    /** A sign-in waiting for its second factor, as the pages see it. */
    record SignIn(PendingAuthorization pending, BrowserSession session,
                  MfaTransaction transaction, String csrf, String clientName) {

        String userId() {
            return session.userId();
        }

        String redirectUri() {
            return pending.request().redirectUri();
        }
    }

    /** For a page: {@code GET …?request=…}. */
    SignIn open(Context context) {
        return signIn(context, binding.pendingFor(context,
                Optional.ofNullable(context.queryParam("request"))));
    }

    /** For a form: the request and its CSRF token from the body. */
    SignIn open(Context context, Params form) {
        PendingAuthorization pending = binding.pendingFor(context, form.single("request"));
        binding.checkCsrf(context, pending, form.single("csrf"));
        return signIn(context, pending);
    }

    private SignIn signIn(Context context, PendingAuthorization pending) {
        BrowserSession session = cookies.session(context).flatMap(sessions::find)
                .orElseThrow(() -> ProtocolError.of(403, "login_required", "This browser is"
                        + " not signed in any more; go back to the application and sign in"
                        + " again."));
        var request = pending.request();
        Authentication authentication = new Authentication(session.userId(),
                pending.clientId(), request.audience(), request.scope(), session.amr(),
                Optional.empty(), session.authTime(), request.nonce());
        MfaTransaction transaction = mfa.transaction(binding.mfaKey(context, pending),
                authentication);
        String clientName = services.clients().find(pending.clientId())
                .map(client -> client.name()).orElse(pending.clientId());
        return new SignIn(pending, session, transaction, binding.csrf(context, pending),
                clientName);
    }

    /** The error page of a refused request: always 4xx, never a stack trace. */
    void refuse(Context context, ProtocolError error) {
        LOG.debug("Hosted MFA page refused: {}", error.error());
        int status = error.status() >= 400 && error.status() < 500 ? error.status() : 400;
        error.headers().forEach(context::header);
        pages.error(context, status, "error.title.mfa", error);
    }
}
