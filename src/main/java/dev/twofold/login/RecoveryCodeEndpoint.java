package dev.twofold.login;

import dev.twofold.mfa.AttemptLimiter;
import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.oauth.authorize.PendingAuthorization;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery code instead of the second factor: {@code GET/POST /login/mfa/recovery} checks
 * it with {@link RecoveryCodes} (constant-time, spent by a conditional update, failures counted
 * by the shared {@link AttemptLimiter}), then shows the new code once;
 * {@code POST /login/mfa/continue} ("I have saved it") goes on with the flow. Thread-safe.
 */
final class RecoveryCodeEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryCodeEndpoint.class);

    private final BrowserBinding binding;
    private final BrowserSessionStore sessions;
    private final RecoveryCodes recoveryCodes;
    private final AttemptLimiter limiter;
    private final LoginFlow flow;
    private final Cookies cookies;
    private final Pages pages;

    RecoveryCodeEndpoint(Services services, BrowserBinding binding, BrowserSessionStore sessions,
                         AttemptLimiter limiter, LoginFlow flow, Cookies cookies, Pages pages) {
        this.binding = binding;
        this.sessions = sessions;
        this.recoveryCodes = RecoveryCodes.of(services);
        this.limiter = limiter;
        this.flow = flow;
        this.cookies = cookies;
        this.pages = pages;
    }

    /** {@code GET /login/mfa/recovery?request=…}. */
    void show(Context context) {
        try {
            PendingAuthorization pending = binding.pendingFor(context,
                    Optional.ofNullable(context.queryParam("request")));
            session(context);
            showForm(context, pending, Optional.empty());
        } catch (ProtocolError error) {
            refuse(context, error);
        }
    }

    /** {@code POST /login/mfa/recovery}: the code, then the new code shown once. */
    void submit(Context context) {
        try {
            Params form = Params.fromBody(context).requireNoRepeats();
            PendingAuthorization pending = binding.pendingFor(context, form.single("request"));
            binding.checkCsrf(context, pending, form.single("csrf"));
            BrowserSession session = session(context);
            Authenticator entry = recoveryCodes.active(session.userId()).orElseThrow(() ->
                    ProtocolError.of(403, "unsupported_challenge_type", "This account has no"
                            + " recovery code; use another factor."));
            Optional<String> next = rotate(session, entry,
                    form.single("recovery_code").orElse(""));
            if (next.isEmpty()) {
                LOG.debug("Hosted recovery code refused");
                limiter.recordFailure(session.userId(), Optional.of(entry.id()));
                showForm(context, pending, Optional.of(Messages.of(context)
                        .get("recovery.wrong")));
                return;
            }
            sessions.recordSecondFactor(session, entry.kind().amr());
            pages.newRecoveryCode(context, new Pages.NewRecoveryCode(pending.id(),
                    binding.csrf(context, pending), next.get(), false),
                    pending.request().redirectUri());
        } catch (ProtocolError error) {
            refuse(context, error);
        }
    }

    /** {@code POST /login/mfa/continue}: the user saved the new recovery code. */
    void proceed(Context context) {
        try {
            Params form = Params.fromBody(context).requireNoRepeats();
            PendingAuthorization pending = binding.pendingFor(context, form.single("request"));
            binding.checkCsrf(context, pending, form.single("csrf"));
            flow.afterFirstFactor(context, pending, session(context));
        } catch (ProtocolError error) {
            refuse(context, error);
        }
    }

    /**
     * Counts the attempt, checks the code and, when it matches, replaces it, in one database
     * transaction (the order of {@code SecondFactorCompletion}: counters first); the new code,
     * or empty for a wrong or used one, whose count then stays.
     */
    private Optional<String> rotate(BrowserSession session, Authenticator entry,
                                    String entered) {
        return limiter.admitted(session.userId(), Optional.of(entry.id()), List.of(), handle -> {
            if (!RecoveryCodes.matches(entry, entered)) {
                return Optional.<String>empty();
            }
            Optional<String> next = recoveryCodes.rotate(handle, entry);
            if (next.isPresent()) {
                limiter.recordSuccess(handle, session.userId(), Optional.of(entry.id()));
            } else {
                LOG.warn("A recovery code of user {} was presented again on the hosted page",
                        session.userId());
            }
            return next;
        });
    }

    private BrowserSession session(Context context) {
        return cookies.session(context).flatMap(sessions::find).orElseThrow(() ->
                ProtocolError.of(403, "login_required", "This browser is not signed in any"
                        + " more; go back to the application and sign in again."));
    }

    private void showForm(Context context, PendingAuthorization pending,
                          Optional<String> error) {
        pages.recoveryCode(context, new Pages.RecoveryForm(pending.id(),
                binding.csrf(context, pending), error), pending.request().redirectUri());
    }

    private void refuse(Context context, ProtocolError error) {
        LOG.debug("Hosted recovery-code page refused: {}", error.error());
        int status = error.status() >= 400 && error.status() < 500 ? error.status() : 400;
        pages.error(context, status, "error.title.mfa", error);
    }
}
