package dev.twofold.login;

import dev.twofold.mfa.AttemptLimiter;
import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.AuthenticatorKind;
import dev.twofold.mfa.AuthenticatorStore;
import dev.twofold.mfa.Factors;
import dev.twofold.mfa.device.RememberedDeviceStore;
import dev.twofold.mfa.totp.Base32;
import dev.twofold.mfa.totp.TotpVerifier;
import dev.twofold.oauth.authorize.PendingAuthorization;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted second-factor page for TOTP: {@code GET /login/mfa?request=…} asks for the code,
 * {@code POST /login/mfa} checks it (RFC 6238, a time step accepted once, failures counted by
 * the shared {@link AttemptLimiter}), records the factor in the session, and lets the flow
 * issue the code. Known gap: SMS, voice and email challenges and enrollment are not offered
 * here yet; a user with only those factors is told to use the app. Thread-safe.
 */
final class MfaChallengeEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(MfaChallengeEndpoint.class);
    private static final String WRONG_CODE = "That code is not valid. Enter the current code"
            + " from your authenticator app.";

    private final Services services;
    private final BrowserBinding binding;
    private final BrowserSessionStore sessions;
    private final AuthenticatorStore authenticators;
    private final Factors factors;
    private final AttemptLimiter limiter;
    private final LoginFlow flow;
    private final Cookies cookies;
    private final Pages pages;
    private final RememberedDeviceStore devices;

    MfaChallengeEndpoint(Services services, BrowserBinding binding, BrowserSessionStore sessions,
                         AttemptLimiter limiter, LoginFlow flow, Cookies cookies, Pages pages,
                         RememberedDeviceStore devices) {
        this.devices = devices;
        this.services = services;
        this.binding = binding;
        this.sessions = sessions;
        this.authenticators = new AuthenticatorStore(services.database());
        this.factors = new Factors(services.tenantSettings());
        this.limiter = limiter;
        this.flow = flow;
        this.cookies = cookies;
        this.pages = pages;
    }

    /** {@code GET /login/mfa?request=…}. */
    void show(Context context) {
        try {
            PendingAuthorization pending = binding.pendingFor(context,
                    Optional.ofNullable(context.queryParam("request")));
            BrowserSession session = session(context);
            totpAuthenticators(session.userId());
            showForm(context, pending, Optional.empty());
        } catch (ProtocolError error) {
            refuse(context, error);
        }
    }

    /** {@code POST /login/mfa}: the one-time code. */
    void submit(Context context) {
        try {
            Params form = Params.fromBody(context).requireNoRepeats();
            PendingAuthorization pending = binding.pendingFor(context, form.single("request"));
            binding.checkCsrf(context, pending, form.single("csrf"));
            BrowserSession session = session(context);
            String otp = form.single("otp").orElse("").trim();
            Optional<Authenticator> passed = verify(session.userId(), otp);
            if (passed.isEmpty()) {
                showForm(context, pending, Optional.of(WRONG_CODE));
                return;
            }
            BrowserSession stronger = sessions.recordSecondFactor(session,
                    passed.get().kind().amr());
            if (form.single("remember").filter("yes"::equals).isPresent()) {
                cookies.setDevice(context, devices.remember(session.userId(),
                        pending.clientId(), RememberedDeviceStore.BROWSER), devices.lifetime());
            }
            flow.afterSecondFactor(context, pending, stronger);
        } catch (ProtocolError error) {
            refuse(context, error);
        }
    }

    private BrowserSession session(Context context) {
        return cookies.session(context).flatMap(sessions::find).orElseThrow(() ->
                ProtocolError.of(403, "login_required", "This browser is not signed in any"
                        + " more; go back to the application and sign in again."));
    }

    private List<Authenticator> totpAuthenticators(String userId) {
        List<Authenticator> found = authenticators.activeFactors(userId).stream()
                .filter(authenticator -> authenticator.kind() == AuthenticatorKind.TOTP)
                .filter(authenticator -> factors.enabled(authenticator.kind()))
                .toList();
        if (found.isEmpty()) {
            throw ProtocolError.of(403, "mfa_enrollment_required", "This application requires"
                    + " a second factor, and this account has no authenticator app enrolled;"
                    + " enroll one in the application, then sign in again.");
        }
        return found;
    }

    /** The authenticator whose current code this is, with the step spent; else empty. */
    private Optional<Authenticator> verify(String userId, String otp) {
        List<Authenticator> candidates = totpAuthenticators(userId);
        candidates.forEach(candidate ->
                limiter.requireNotLocked(userId, Optional.of(candidate.id())));
        for (Authenticator candidate : candidates) {
            OptionalLong step = TotpVerifier.DEFAULT.matchingStep(key(candidate), otp,
                    services.clock().instant());
            if (step.isPresent() && spend(userId, candidate, step.getAsLong())) {
                return Optional.of(candidate);
            }
        }
        LOG.debug("Hosted TOTP challenge refused: wrong, expired or used code");
        limiter.recordFailure(userId, Optional.of(candidates.get(0).id()));
        return Optional.empty();
    }

    private boolean spend(String userId, Authenticator candidate, long step) {
        return services.database().inTransaction(handle -> {
            if (!authenticators.spendStep(handle, candidate.id(), step,
                    services.clock().millis())) {
                LOG.warn("A TOTP code of user {} was presented again on the hosted page",
                        userId);
                return false;
            }
            limiter.recordSuccess(handle, userId, Optional.of(candidate.id()));
            return true;
        });
    }

    private byte[] key(Authenticator authenticator) {
        String sealed = authenticator.secretSealed().orElseThrow();
        return Base32.decode(services.secretBox().open(Authenticator.SECRET_PURPOSE, sealed));
    }

    private void showForm(Context context, PendingAuthorization pending,
                          Optional<String> error) {
        String clientName = services.clients().find(pending.clientId())
                .map(client -> client.name()).orElse(pending.clientId());
        pages.otp(context, new Pages.OtpForm(pending.id(), binding.csrf(context, pending),
                clientName, error, devices.lifetime().toDays()),
                pending.request().redirectUri());
    }

    private void refuse(Context context, ProtocolError error) {
        LOG.debug("Hosted MFA page refused: {}", error.error());
        int status = error.status() >= 400 && error.status() < 500 ? error.status() : 400;
        pages.error(context, status, "Verification cannot continue", error.description());
    }
}
