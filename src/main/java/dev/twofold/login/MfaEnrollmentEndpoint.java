package dev.twofold.login;

import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.AuthenticatorKind;
import dev.twofold.mfa.BrowserMfa;
import dev.twofold.server.ClientIp;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The enrollment of a first factor in the browser, for a user the policy requires a second
 * factor of: the page lists the factors the tenant enabled; {@code POST /login/mfa/enroll}
 * starts one through {@link BrowserMfa} (a TOTP key shown as a QR code, or an SMS, voice or
 * email code sent to what the user typed, the phone number normalised to E.164) and leads to
 * its code form. Its first code confirms it. Thread-safe.
 */
final class MfaEnrollmentEndpoint {

    private final Services services;
    private final MfaSignIns signIns;
    private final BrowserMfa mfa;
    private final MfaPages mfaPages;

    MfaEnrollmentEndpoint(Services services, MfaSignIns signIns, BrowserMfa mfa,
                          MfaPages mfaPages) {
        this.services = services;
        this.signIns = signIns;
        this.mfa = mfa;
        this.mfaPages = mfaPages;
    }

    /** {@code POST /login/mfa/enroll}: factor, and phone_number or email. */
    void submit(Context context) {
        try {
            Params form = Params.fromBody(context).requireNoRepeats();
            MfaSignIns.SignIn signIn = signIns.open(context, form);
            AuthenticatorKind kind = kindOf(form.single("factor"));
            if (kind == AuthenticatorKind.TOTP) {
                redirectToCode(context, signIn,
                        mfa.enrollTotp(signIn.transaction()).authenticator());
                return;
            }
            Optional<String> destination = form.single(kind == AuthenticatorKind.EMAIL
                    ? "email" : "phone_number").map(String::strip)
                    .filter(value -> !value.isEmpty());
            enrollOutOfBand(context, signIn, kind, destination);
        } catch (ProtocolError error) {
            signIns.refuse(context, error);
        }
    }

    private void enrollOutOfBand(Context context, MfaSignIns.SignIn signIn,
                                 AuthenticatorKind kind, Optional<String> destination) {
        Messages text = Messages.of(context);
        try {
            redirectToCode(context, signIn, mfa.enrollOutOfBand(signIn.transaction(), kind,
                    destination, ClientIp.of(context), text.locale()));
        } catch (ProtocolError error) {
            if (!"invalid_request".equals(error.error())) {
                throw error;
            }
            String message = text.get(kind == AuthenticatorKind.EMAIL ? "enroll.email.invalid"
                    : "enroll.phone.invalid");
            showForm(context, signIn, 400, Optional.of(kind), Optional.of(message),
                    kind == AuthenticatorKind.EMAIL ? Optional.empty() : destination);
        }
    }

    private void redirectToCode(Context context, MfaSignIns.SignIn signIn,
                                Authenticator authenticator) {
        context.redirect(mfaPages.pageUrl(signIn.pending().id(),
                Optional.of(authenticator.id())), HttpStatus.SEE_OTHER);
    }

    /** The enrollment page; 403 when the user may not enroll here or nothing is enabled. */
    void showForm(Context context, MfaSignIns.SignIn signIn, int status,
                  Optional<AuthenticatorKind> errorKind, Optional<String> error,
                  Optional<String> phone) {
        List<AuthenticatorKind> kinds = mfa.enrollableKinds();
        if (!mfa.mayEnroll(signIn.userId()) || kinds.isEmpty()) {
            throw ProtocolError.of(403, "no_factor", "This application requires a second"
                    + " factor, and this account has none that can be used here.");
        }
        String email = services.users().find(signIn.userId()).flatMap(User::email)
                .orElse("");
        mfaPages.enrollment(context, status, new MfaPages.Enrollment(signIn.pending().id(),
                signIn.csrf(), signIn.clientName(), kinds, email, phone, errorKind, error),
                signIn.redirectUri());
    }

    private AuthenticatorKind kindOf(Optional<String> factor) {
        return factor.flatMap(name -> Arrays.stream(AuthenticatorKind.values())
                        .filter(kind -> kind.factorName().equals(name))
                        .filter(mfa.enrollableKinds()::contains)
                        .findFirst())
                .orElseThrow(() -> ProtocolError.of(400, "unknown_factor", "factor must be one"
                        + " of the factors the enrollment page lists: otp, sms, voice or"
                        + " email, if enabled."));
    }
}
