package dev.twofold.mfa;

import dev.twofold.delivery.MessageLanguage;
import dev.twofold.mfa.PresentedToken.LoginToken;
import dev.twofold.mfa.PresentedToken.MfaAccessToken;
import dev.twofold.mfa.oob.OobChallenges;
import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.mfa.totp.QrCodes;
import dev.twofold.server.ClientIp;
import dev.twofold.server.Cors;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /mfa/associate}: enrolls a TOTP app or an SMS, voice or email authenticator,
 * unconfirmed until its first code is proved on {@code /oauth/token}. An {@code mfa_token}
 * may enroll only while the user has no active factor; afterwards an MFA-audience access
 * token with scope {@code enroll} that itself passed MFA is required (BUG-02). Thread-safe.
 */
public final class AssociateEndpoint {

    private final Services services;
    private final MfaTokenReader reader;
    private final ClientCheck clientCheck;
    private final AuthenticatorStore authenticators;
    private final RecoveryCodes recoveryCodes;
    private final OobChallenges challenges;
    private final Factors factors;
    private final Enrollments enrollments;
    private final MfaAudit audit;

    public AssociateEndpoint(Services services, MfaTokenReader reader, ClientCheck clientCheck,
                             AuthenticatorStore authenticators, RecoveryCodes recoveryCodes,
                             OobChallenges challenges, Factors factors, MfaSettings settings) {
        this.services = services;
        this.reader = reader;
        this.clientCheck = clientCheck;
        this.authenticators = authenticators;
        this.recoveryCodes = recoveryCodes;
        this.challenges = challenges;
        this.factors = factors;
        this.enrollments = new Enrollments(services, settings);
        this.audit = new MfaAudit(services);
    }

    public void handle(Context context) {
        Params params = Params.fromBody(context);
        Optional<String> clientId = clientCheck.clientId(context, params);
        PresentedToken token = reader.bearer(context, clientId);
        Cors.callingClient(context, token.clientId());

        boolean firstFactor = !authenticators.hasActiveFactor(token.userId());
        requireMayEnroll(token, firstFactor);
        MfaTransaction transaction = transactionOf(token);
        AuthenticatorKind kind = requestedKind(params);

        Map<String, Object> body = kind == AuthenticatorKind.TOTP
                ? enrollOtp(transaction, firstFactor)
                : enrollOob(kind, params, transaction, firstFactor, ClientIp.of(context),
                        MessageLanguage.fromAcceptLanguage(
                                Optional.ofNullable(context.header("Accept-Language")),
                                services.messageLanguages()));
        context.header("Cache-Control", "no-store").header("Pragma", "no-cache").json(body);
    }

    private void requireMayEnroll(PresentedToken token, boolean firstFactor) {
        String howTo = " Pass MFA with an existing authenticator (POST /mfa/challenge, then the"
                + " mfa-otp or mfa-oob grant) in a token request with audience="
                + services.mfaAudience() + " and scope enroll, then call /mfa/associate with"
                + " that access token.";
        switch (token) {
            case LoginToken login -> {
                if (!firstFactor) {
                    throw ProtocolError.accessDenied("User is already enrolled: an mfa_token"
                            + " may only enroll the first authenticator." + howTo);
                }
            }
            case MfaAccessToken access -> {
                if (!access.claims().hasScope("enroll")) {
                    throw ProtocolError.insufficientScope(services.issuer(), "enroll",
                            "The access token lacks scope enroll. Request audience="
                                    + services.mfaAudience() + " with scope enroll.");
                }
                if (!firstFactor && !access.passedMfa()) {
                    throw ProtocolError.accessDenied("User is already enrolled, and this"
                            + " access token did not pass MFA (its amr has no mfa)." + howTo);
                }
            }
        }
    }

    private MfaTransaction transactionOf(PresentedToken token) {
        return switch (token) {
            case LoginToken login -> login.transaction();
            case MfaAccessToken access -> reader.stepUp(access.claims());
        };
    }

    private AuthenticatorKind requestedKind(Params params) {
        List<String> types = params.list("authenticator_types");
        if (types.size() != 1 || !List.of("otp", "oob").contains(types.get(0))) {
            throw ProtocolError.invalidRequest("authenticator_types must be [\"otp\"] or"
                    + " [\"oob\"] (with oob_channels [\"sms\"], [\"voice\"] or [\"email\"]);"
                    + " received " + types + ".");
        }
        AuthenticatorKind kind = types.get(0).equals("otp") ? AuthenticatorKind.TOTP
                : oobKind(params.list("oob_channels"));
        if (!factors.enabled(kind)) {
            throw ProtocolError.accessDenied("The " + kind.factorName() + " factor is"
                    + " disabled for this tenant. Choose another factor, or ask an"
                    + " administrator to enable it (PUT /api/v2/guardian/factors/"
                    + kind.factorName() + ").");
        }
        return kind;
    }

    private static AuthenticatorKind oobKind(List<String> channels) {
        if (channels.size() != 1) {
            throw ProtocolError.invalidRequest("oob_channels must hold exactly one channel:"
                    + " [\"sms\"], [\"voice\"] or [\"email\"]; received " + channels + ".");
        }
        return AuthenticatorKind.fromChannel(channels.get(0)).orElseThrow(() ->
                ProtocolError.invalidRequest("oob_channels " + channels + " is not supported;"
                        + " use sms, voice or email."));
    }

    private Map<String, Object> enrollOtp(MfaTransaction transaction, boolean firstFactor) {
        Enrollments.NewTotp totp = enrollments.totp(transaction);
        Optional<String> recoveryCode = services.database().inTransaction(handle -> {
            authenticators.insertPending(handle, totp.authenticator());
            return firstFactor && factors.enabled(AuthenticatorKind.RECOVERY_CODE)
                    ? Optional.of(recoveryCodes.createPending(handle, transaction.userId(),
                            transaction.id()))
                    : Optional.<String>empty();
        });
        audit.enrollmentStarted(transaction, totp.authenticator());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("authenticator_type", "otp");
        body.put("secret", totp.secret());
        body.put("barcode_uri", totp.barcodeUri());
        body.put("barcode_png", QrCodes.pngDataUri(totp.barcodeUri()));
        recoveryCode.ifPresent(code -> body.put("recovery_codes", List.of(code)));
        return body;
    }

    private Map<String, Object> enrollOob(AuthenticatorKind kind, Params params,
                                          MfaTransaction transaction, boolean firstFactor,
                                          String clientIp, Locale locale) {
        Authenticator authenticator = kind == AuthenticatorKind.EMAIL
                ? enrollments.email(params.single("email"), transaction)
                : enrollments.phone(kind, params.single("phone_number"), transaction);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("authenticator_type", "oob");
        body.put("oob_channel", kind.channel().orElseThrow().wireName());
        // The pending authenticator commits before the code is sent: a failed send keeps it
        // and the mfa_token, and a new /mfa/associate replaces it, which is the resend.
        OobChallenges.Prepared prepared = services.database().inTransaction(handle -> {
            authenticators.insertPending(handle, authenticator);
            if (firstFactor && factors.enabled(AuthenticatorKind.RECOVERY_CODE)) {
                body.put("recovery_codes", List.of(recoveryCodes.createPending(handle,
                        transaction.userId(), transaction.id())));
            }
            return challenges.prepare(handle, authenticator, transaction, clientIp, locale);
        });
        body.put("oob_code", challenges.deliver(prepared));
        audit.enrollmentStarted(transaction, authenticator);
        body.put("binding_method", "prompt");
        return orderedOob(body);
    }

    private static Map<String, Object> orderedOob(Map<String, Object> body) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String name : List.of("authenticator_type", "oob_channel", "oob_code",
                "binding_method", "recovery_codes")) {
            if (body.containsKey(name)) {
                ordered.put(name, body.get(name));
            }
        }
        return ordered;
    }
}
