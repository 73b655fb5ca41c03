package dev.twofold.login;

import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.AuthenticatorKind;
import dev.twofold.mfa.BrowserMfa;
import dev.twofold.mfa.device.RememberedDeviceStore;
import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.mfa.totp.QrCodes;
import dev.twofold.server.ClientIp;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Optional;

/**
 * The hosted second-factor page. {@code GET /login/mfa?request=…[&factor=…]} shows the choice
 * between the user's factors, the code form of one factor, or (for a user without any) the
 * enrollment; {@code POST /login/mfa/send} sends an SMS, voice or email code (with the resend
 * cool-down); {@code POST /login/mfa} checks a code (TOTP per RFC 6238 or an out-of-band code,
 * through {@link BrowserMfa}), records the factor in the session, shows the first recovery
 * code after an enrollment, and lets the flow issue the code. Thread-safe.
 */
final class MfaChallengeEndpoint {

    private static final String SIX_DIGITS = "[0-9]{6}";

    private final MfaSignIns signIns;
    private final BrowserMfa mfa;
    private final BrowserSessionStore sessions;
    private final LoginFlow flow;
    private final Cookies cookies;
    private final Pages pages;
    private final MfaPages mfaPages;
    private final RememberedDeviceStore devices;
    private final RecoveryCodes recoveryCodes;
    private final MfaEnrollmentEndpoint enrollment;

    MfaChallengeEndpoint(MfaSignIns signIns, BrowserMfa mfa, BrowserSessionStore sessions,
                         LoginFlow flow, Cookies cookies, Pages pages, MfaPages mfaPages,
                         RememberedDeviceStore devices, RecoveryCodes recoveryCodes,
                         MfaEnrollmentEndpoint enrollment) {
        this.signIns = signIns;
        this.mfa = mfa;
        this.sessions = sessions;
        this.flow = flow;
        this.cookies = cookies;
        this.pages = pages;
        this.mfaPages = mfaPages;
        this.devices = devices;
        this.recoveryCodes = recoveryCodes;
        this.enrollment = enrollment;
    }

    /** {@code GET /login/mfa?request=…[&factor=…]}. */
    void show(Context context) {
        try {
            MfaSignIns.SignIn signIn = signIns.open(context);
            Optional<String> wanted = Optional.ofNullable(context.queryParam("factor"));
            if (wanted.isPresent()) {
                showCode(context, signIn, mfa.factor(signIn.transaction(), wanted.get()), 200,
                        Optional.empty());
                return;
            }
            List<Authenticator> factors = mfa.factors(signIn.userId());
            switch (factors.size()) {
                case 0 -> enrollment.showForm(context, signIn, 200, Optional.empty(),
                        Optional.empty(), Optional.empty());
                case 1 -> showCode(context, signIn, factors.get(0), 200, Optional.empty());
                default -> showChoice(context, signIn, factors);
            }
        } catch (ProtocolError error) {
            signIns.refuse(context, error);
        }
    }

    /** {@code POST /login/mfa/send}: a new code for an SMS, voice or email factor. */
    void send(Context context) {
        try {
            Params form = Params.fromBody(context).requireNoRepeats();
            MfaSignIns.SignIn signIn = signIns.open(context, form);
            Authenticator factor = mfa.factor(signIn.transaction(),
                    form.single("authenticator_id").orElse(""));
            Messages text = Messages.of(context);
            switch (mfa.sendCode(signIn.transaction(), factor, ClientIp.of(context),
                    text.locale())) {
                case BrowserMfa.Sending.Sent sent -> context.redirect(
                        mfaPages.pageUrl(signIn.pending().id(), Optional.of(factor.id())),
                        HttpStatus.SEE_OTHER);
                case BrowserMfa.Sending.TooSoon tooSoon -> {
                    context.header("Retry-After", Long.toString(tooSoon.seconds()));
                    showCode(context, signIn, factor, 429, Optional.of(
                            text.get("mfa.resend.tooSoon", tooSoon.seconds())));
                }
            }
        } catch (ProtocolError error) {
            signIns.refuse(context, error);
        }
    }

    /** {@code POST /login/mfa}: the code of one factor. */
    void submit(Context context) {
        try {
            Params form = Params.fromBody(context).requireNoRepeats();
            MfaSignIns.SignIn signIn = signIns.open(context, form);
            Authenticator factor = form.single("authenticator_id")
                    .map(id -> mfa.factor(signIn.transaction(), id))
                    .orElseGet(() -> onlyAuthenticatorApp(signIn));
            String code = form.single("otp").orElse("").replace(" ", "");
            Messages text = Messages.of(context);
            if (!code.matches(SIX_DIGITS)) {
                showCode(context, signIn, factor, 400, Optional.of(text.get("mfa.format")));
                return;
            }
            switch (mfa.verify(signIn.transaction(), factor, code)) {
                case BrowserMfa.Verification.Wrong wrong -> showCode(context, signIn, factor,
                        200, Optional.of(text.get(factor.kind() == AuthenticatorKind.TOTP
                                ? "mfa.wrong.otp" : "mfa.wrong.oob")));
                case BrowserMfa.Verification.Passed passed ->
                        finish(context, signIn, passed, form.single("remember"));
            }
        } catch (ProtocolError error) {
            signIns.refuse(context, error);
        }
    }

    /** A form without authenticator_id (older pages) means the user's authenticator app. */
    private Authenticator onlyAuthenticatorApp(MfaSignIns.SignIn signIn) {
        return mfa.factors(signIn.userId()).stream()
                .filter(factor -> factor.kind() == AuthenticatorKind.TOTP)
                .findFirst()
                .orElseThrow(() -> ProtocolError.of(400, "unknown_factor", "authenticator_id"
                        + " is required: send the id of the factor the code belongs to."));
    }

    private void finish(Context context, MfaSignIns.SignIn signIn,
                        BrowserMfa.Verification.Passed passed, Optional<String> remember) {
        BrowserSession stronger = sessions.recordSecondFactor(signIn.session(), passed.amr());
        if (remember.filter("yes"::equals).isPresent() && passed.recoveryCode().isEmpty()) {
            cookies.setDevice(context, devices.remember(signIn.userId(),
                    signIn.pending().clientId(), RememberedDeviceStore.BROWSER),
                    devices.lifetime());
        }
        if (passed.recoveryCode().isPresent()) {
            pages.newRecoveryCode(context, new Pages.NewRecoveryCode(signIn.pending().id(),
                    signIn.csrf(), passed.recoveryCode().get(), true), signIn.redirectUri());
            return;
        }
        flow.afterSecondFactor(context, signIn.pending(), stronger);
    }

    private void showChoice(Context context, MfaSignIns.SignIn signIn,
                            List<Authenticator> factors) {
        mfaPages.choice(context, new MfaPages.Choice(signIn.pending().id(),
                signIn.clientName(), factors.stream().map(MfaChallengeEndpoint::shown)
                .toList(), hasRecoveryCode(signIn)), signIn.redirectUri());
    }

    private void showCode(Context context, MfaSignIns.SignIn signIn, Authenticator factor,
                          int status, Optional<String> error) {
        boolean outOfBand = factor.kind().isOutOfBand();
        boolean sent = outOfBand && mfa.codeSent(signIn.transaction(), factor);
        Optional<MfaPages.TotpSetup> setup = factor.active() ? Optional.empty()
                : setupOf(factor);
        Messages text = Messages.of(context);
        mfaPages.code(context, status, new MfaPages.CodeForm(signIn.pending().id(),
                signIn.csrf(), signIn.clientName(), shown(factor), setup, sent,
                outOfBand ? mfa.resendWaitSeconds(factor) : 0,
                sent && error.isEmpty() ? Optional.of(text.get("mfa.sent")) : Optional.empty(),
                error, devices.lifetime().toDays(), mfa.factors(signIn.userId()).size() > 1,
                hasRecoveryCode(signIn)), signIn.redirectUri());
    }

    private Optional<MfaPages.TotpSetup> setupOf(Authenticator factor) {
        if (factor.kind() != AuthenticatorKind.TOTP) {
            return Optional.empty();
        }
        var totp = mfa.totpSetup(factor);
        return Optional.of(new MfaPages.TotpSetup(totp.secret(),
                QrCodes.pngDataUri(totp.barcodeUri())));
    }

    private boolean hasRecoveryCode(MfaSignIns.SignIn signIn) {
        return recoveryCodes.active(signIn.userId()).isPresent();
    }

    static MfaPages.Factor shown(Authenticator factor) {
        return new MfaPages.Factor(factor.id(), factor.kind(),
                factor.displayName().orElse(""));
    }
}
