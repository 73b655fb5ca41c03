package dev.twofold.login;

import dev.twofold.crypto.Randoms;
import dev.twofold.crypto.Secret;
import dev.twofold.oauth.authorize.AuthorizationUi;
import dev.twofold.oauth.authorize.PendingAuthorization;
import dev.twofold.oauth.authorize.PendingAuthorizationStore;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted login page: {@code GET /login?request=…} shows the form, {@code POST /login}
 * checks it. A pending request is served only to the browser that started it (its browser
 * cookie), and the form carries a CSRF token derived from that cookie and the request.
 * Also the {@link AuthorizationUi} the authorization endpoint hands browsers to. Thread-safe.
 */
final class LoginEndpoint implements AuthorizationUi {

    private static final Logger LOG = LoggerFactory.getLogger(LoginEndpoint.class);
    private static final String WRONG_CREDENTIALS = "Wrong email or password.";

    private final Services services;
    private final PendingAuthorizationStore pendingRequests;
    private final BrowserSessionStore sessions;
    private final PasswordCheck passwordCheck;
    private final LoginFlow flow;
    private final Cookies cookies;
    private final Pages pages;

    LoginEndpoint(Services services, PendingAuthorizationStore pendingRequests,
                  BrowserSessionStore sessions, LoginFlow flow, Cookies cookies, Pages pages) {
        this.services = services;
        this.pendingRequests = pendingRequests;
        this.sessions = sessions;
        this.passwordCheck = new PasswordCheck(services.users(), services.passwords());
        this.flow = flow;
        this.cookies = cookies;
        this.pages = pages;
    }

    @Override
    public void interact(Context context, PendingAuthorization pending) {
        flow.start(context, pending);
    }

    @Override
    public void showError(Context context, ProtocolError error) {
        pages.error(context, 400, "This sign-in request is not valid", error.description());
    }

    @Override
    public String browserHash(Context context) {
        return Randoms.sha256(cookies.browser(context));
    }

    /** {@code GET /login?request=…}. */
    void show(Context context) {
        try {
            PendingAuthorization pending = pendingFor(context,
                    Optional.ofNullable(context.queryParam("request")));
            String email = pending.request().loginHint().orElse("");
            showForm(context, pending, email, Optional.empty());
        } catch (ProtocolError error) {
            refuse(context, error);
        }
    }

    /** {@code POST /login}: email and password, then the rest of the flow. */
    void submit(Context context) {
        try {
            Params form = Params.fromBody(context).requireNoRepeats();
            PendingAuthorization pending = pendingFor(context, form.single("request"));
            checkCsrf(context, pending, form.single("csrf"));
            String email = form.single("email").orElse("");
            Optional<User> user = passwordCheck.verify(email,
                    form.single("password").orElse(""));
            if (user.isEmpty()) {
                LOG.debug("Hosted login refused for client {}: wrong credentials",
                        pending.clientId());
                showForm(context, pending, email, Optional.of(WRONG_CREDENTIALS));
                return;
            }
            if (user.get().blocked()) {
                showForm(context, pending, email, Optional.of("This account is blocked;"
                        + " contact the administrator of this application."));
                return;
            }
            flow.afterFirstFactor(context, pending, startSession(context, user.get()));
        } catch (ProtocolError error) {
            refuse(context, error);
        }
    }

    private BrowserSession startSession(Context context, User user) {
        cookies.session(context).ifPresent(sessions::revoke);
        BrowserSessionStore.Started started = sessions.start(user.userId(), List.of("pwd"));
        cookies.setSession(context, started.cookieValue(), sessions.lifetime());
        return started.session();
    }

    private void showForm(Context context, PendingAuthorization pending, String email,
                          Optional<String> error) {
        String clientName = services.clients().find(pending.clientId())
                .map(client -> client.name()).orElse(pending.clientId());
        String browser = cookies.existingBrowser(context).orElseThrow();
        pages.login(context, new Pages.LoginForm(pending.id(), csrf(browser, pending.id()),
                clientName, email.length() > PasswordCheck.MAX_EMAIL ? "" : email, error),
                pending.request().redirectUri());
    }

    /** The pending request, if it is live and was started by this browser. */
    private PendingAuthorization pendingFor(Context context, Optional<String> requestId) {
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

    private void checkCsrf(Context context, PendingAuthorization pending,
                           Optional<String> token) {
        String browser = cookies.existingBrowser(context).orElseThrow();
        if (token.isEmpty() || !Secret.constantTimeEquals(token.get(),
                csrf(browser, pending.id()))) {
            LOG.warn("Hosted login form for client {} had a wrong CSRF token",
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

    private void refuse(Context context, ProtocolError error) {
        LOG.debug("Hosted login page refused: {}", error.error());
        int status = error.status() >= 400 && error.status() < 500 ? error.status() : 400;
        pages.error(context, status, "Sign-in cannot continue", error.description());
    }
}
