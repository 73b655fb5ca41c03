package dev.twofold.login;

import dev.twofold.crypto.Randoms;
import dev.twofold.oauth.PasswordLogins;
import dev.twofold.ops.AuditEvent;
import dev.twofold.ops.AuditType;
import dev.twofold.oauth.authorize.AuthorizationUi;
import dev.twofold.oauth.authorize.PendingAuthorization;
import dev.twofold.server.ClientIp;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted login page: {@code GET /login?request=…} shows the form, {@code POST /login}
 * checks it, both through the {@link BrowserBinding} checks.
 * Also the {@link AuthorizationUi} the authorization endpoint hands browsers to. Thread-safe.
 */
final class LoginEndpoint implements AuthorizationUi {

    private static final Logger LOG = LoggerFactory.getLogger(LoginEndpoint.class);

    private final Services services;
    private final BrowserSessionStore sessions;
    private final PasswordLogins logins;
    private final LoginFlow flow;
    private final Cookies cookies;
    private final Pages pages;
    private final BrowserBinding binding;

    LoginEndpoint(Services services, BrowserBinding binding, BrowserSessionStore sessions,
                  LoginFlow flow, Cookies cookies, Pages pages) {
        this.services = services;
        this.binding = binding;
        this.sessions = sessions;
        this.logins = new PasswordLogins(services);
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
        pages.error(context, 400, "error.title.request", error);
    }

    @Override
    public String browserHash(Context context) {
        return Randoms.sha256(cookies.browser(context));
    }

    /** {@code GET /login?request=…}. */
    void show(Context context) {
        try {
            PendingAuthorization pending = binding.pendingFor(context,
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
            PendingAuthorization pending = binding.pendingFor(context, form.single("request"));
            binding.checkCsrf(context, pending, form.single("csrf"));
            String email = form.single("email").orElse("");
            PasswordLogins.Result result = logins.verify(User.DEFAULT_CONNECTION, email,
                    form.single("password").orElse(""), ClientIp.of(context));
            if (result instanceof PasswordLogins.Locked locked) {
                LOG.debug("Hosted login refused for client {}: too many wrong passwords",
                        pending.clientId());
                audit(context, pending, AuditType.PASSWORD_LOCKED, Optional.empty(),
                        email);
                long seconds = Math.max(1, Duration.between(services.clock().instant(),
                        locked.until()).toSeconds() + 1);
                showForm(context, pending, email, Optional.of(Messages.of(context)
                        .get("login.locked", (seconds + 59) / 60)));
                return;
            }
            if (!(result instanceof PasswordLogins.Accepted accepted)) {
                LOG.debug("Hosted login refused for client {}: wrong credentials",
                        pending.clientId());
                Optional<String> known = result instanceof PasswordLogins.Refused refused
                        ? refused.userId() : Optional.empty();
                audit(context, pending, known.isPresent() ? AuditType.FAILED_LOGIN_PASSWORD
                        : AuditType.FAILED_LOGIN_USERNAME, known, email);
                showForm(context, pending, email, Optional.of(Messages.of(context)
                        .get("login.wrong")));
                return;
            }
            User user = accepted.user();
            if (user.blocked()) {
                audit(context, pending, AuditType.BLOCKED_USER, Optional.of(user.userId()),
                        email);
                showForm(context, pending, email, Optional.of(Messages.of(context)
                        .get("login.blocked")));
                return;
            }
            audit(context, pending, AuditType.SUCCESS_LOGIN, Optional.of(user.userId()), email);
            flow.afterFirstFactor(context, pending, startSession(context, user));
        } catch (ProtocolError error) {
            refuse(context, error);
        }
    }

    /**
     * Records the outcome of one password on the page, as the token endpoint does for the
     * password grants: the same event types, the login meter, the name typed (never the
     * password).
     */
    private void audit(Context context, PendingAuthorization pending, AuditType type,
                       Optional<String> userId, String email) {
        services.metrics().login(type == AuditType.SUCCESS_LOGIN ? "success" : "failure");
        AuditEvent.Builder event = AuditEvent.of(type).client(pending.clientId())
                .request(context).detail("connection", User.DEFAULT_CONNECTION)
                .detail("user_name", email.length() <= PasswordLogins.MAX_EMAIL ? email
                        : email.substring(0, PasswordLogins.MAX_EMAIL));
        userId.ifPresent(event::user);
        services.auditLog().record(event.build());
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
        pages.login(context, new Pages.LoginForm(pending.id(), binding.csrf(context, pending),
                clientName, email.length() > PasswordLogins.MAX_EMAIL ? "" : email, error),
                pending.request().redirectUri());
    }

    private void refuse(Context context, ProtocolError error) {
        LOG.debug("Hosted login page refused: {}", error.error());
        int status = error.status() >= 400 && error.status() < 500 ? error.status() : 400;
        pages.error(context, status, "error.title.signin", error);
    }
}
