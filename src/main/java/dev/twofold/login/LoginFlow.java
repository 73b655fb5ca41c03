package dev.twofold.login;

import dev.twofold.oauth.Authentication;
import dev.twofold.oauth.authorize.AuthorizationCodeStore;
import dev.twofold.oauth.authorize.AuthorizationResponses;
import dev.twofold.oauth.authorize.AuthorizeRequest;
import dev.twofold.oauth.authorize.PendingAuthorization;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import dev.twofold.store.User;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The hosted login as an ordered list of steps: (1) the first factor, taken from a live
 * session or from the login page; (2) a second factor if the {@link SecondFactorStep} asks
 * for one; (3) the authorization code, redirected to the client. Thread-safe.
 */
public final class LoginFlow {

    private final Services services;
    private final BrowserSessionStore sessions;
    private final AuthorizationCodeStore codes;
    private final SecondFactorStep secondFactor;
    private final Cookies cookies;

    LoginFlow(Services services, BrowserSessionStore sessions, AuthorizationCodeStore codes,
              SecondFactorStep secondFactor, Cookies cookies) {
        this.services = services;
        this.sessions = sessions;
        this.codes = codes;
        this.secondFactor = secondFactor;
        this.cookies = cookies;
    }

    /** Step 1, from {@code GET /authorize}: reuse the session or ask for the first factor. */
    void start(Context context, PendingAuthorization pending) {
        Optional<BrowserSession> session = reusableSession(context, pending.request());
        if (session.isPresent()) {
            afterFirstFactor(context, pending, session.get());
            return;
        }
        if (pending.request().prompt().contains("none")) {
            throw ProtocolError.of(400, "login_required", "prompt=none was sent, but the user"
                    + " has no live session; send the request without prompt=none.");
        }
        context.redirect(services.issuer() + "login?request=" + pending.id());
    }

    /**
     * OIDC Core §3.1.2.1: a session is reused unless prompt=login asks for a fresh login, or
     * the first factor is older than max_age; its user must still be allowed in.
     */
    private Optional<BrowserSession> reusableSession(Context context, AuthorizeRequest request) {
        if (request.prompt().contains("login")) {
            return Optional.empty();
        }
        return cookies.session(context).flatMap(sessions::find)
                .filter(session -> withinMaxAge(session, request))
                .filter(session -> services.users().find(session.userId())
                        .filter(user -> !user.blocked()).isPresent());
    }

    /**
     * A session that passed a second factor stays usable for the first factor: when its
     * second factor is older than max_age, the second-factor step asks for a fresh one
     * (step-up) instead of the password again.
     */
    private boolean withinMaxAge(BrowserSession session, AuthorizeRequest request) {
        if (request.maxAgeSeconds().isEmpty() || session.passedSecondFactor()) {
            return true;
        }
        return withinMaxAge(session.authTime(), request, services.clock().instant());
    }

    /** Whether {@code time} is no older than the request's max_age (true without one). */
    static boolean withinMaxAge(Instant time, AuthorizeRequest request, Instant now) {
        return request.maxAgeSeconds()
                .map(maxAge -> Duration.between(time, now).toSeconds() <= maxAge)
                .orElse(true);
    }

    /** Step 2: ask the second-factor step; then step 3, or the page it names. */
    public void afterFirstFactor(Context context, PendingAuthorization pending,
                                 BrowserSession session) {
        Client client = services.clients().find(pending.clientId()).orElseThrow(() ->
                ProtocolError.invalidRequest("The client of this sign-in no longer exists."));
        User user = services.users().find(session.userId()).orElseThrow(() ->
                ProtocolError.accessDenied("The user of this session no longer exists."));
        var decision = secondFactor.decide(
                new SecondFactorStep.Context(pending, client, user, session,
                        cookies.device(context)));
        switch (decision) {
            case SecondFactorStep.Decision.NotRequired notRequired ->
                    issueCode(context, pending, session);
            case SecondFactorStep.Decision.Required required ->
                    askSecondFactor(context, pending, required);
        }
    }

    private void askSecondFactor(Context context, PendingAuthorization pending,
                                 SecondFactorStep.Decision.Required required) {
        if (pending.request().prompt().contains("none")) {
            context.redirect(AuthorizationResponses.error(pending.request(), ProtocolError.of(
                    400, "interaction_required", "prompt=none was sent, but a second factor"
                            + " is required; send the request without prompt=none.")));
            return;
        }
        context.redirect(required.path());
    }

    /** Called by the hosted MFA pages once the second factor is proved: step 3. */
    public void afterSecondFactor(Context context, PendingAuthorization pending,
                                  BrowserSession session) {
        issueCode(context, pending, session);
    }

    /** OIDC auth_time: the last time the user actively proved a factor in this session. */
    private static Instant lastAuthentication(BrowserSession session) {
        return session.mfaTime().filter(mfa -> mfa.isAfter(session.authTime()))
                .orElse(session.authTime());
    }

    /** Step 3: the authorization code, bound to everything the session proved. */
    private void issueCode(Context context, PendingAuthorization pending,
                           BrowserSession session) {
        AuthorizeRequest request = pending.request();
        Authentication authentication = new Authentication(session.userId(),
                pending.clientId(), request.audience(), request.scope(), session.amr(),
                session.passedSecondFactor() ? Optional.of(Authentication.ACR_MFA)
                        : Optional.empty(), lastAuthentication(session), request.nonce());
        String location = codes.issue(pending, authentication);
        services.users().recordLogin(session.userId(), services.clock().millis());
        context.redirect(location);
    }
}
