package dev.twofold.mfa;

import dev.twofold.delivery.MessageLanguage;
import dev.twofold.mfa.oob.OobChallenges;
import dev.twofold.server.ClientIp;
import dev.twofold.server.Cors;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code POST /mfa/challenge}: starts a challenge for one of the user's active authenticators.
 * For SMS, voice and email it sends exactly one code and answers an {@code oob_code}; for OTP
 * it only says so. Takes an {@code mfa_token} or, as a step-up, an MFA-audience access token
 * (DESIGN §1.1). Unconfirmed authenticators are never challenged (BUG-12). Thread-safe.
 */
public final class ChallengeEndpoint {

    private static final Set<String> TYPES = Set.of("otp", "oob");

    private final Services services;
    private final MfaTokenReader reader;
    private final ClientCheck clientCheck;
    private final AuthenticatorStore authenticators;
    private final OobChallenges challenges;
    private final AttemptLimiter limiter;
    private final Factors factors;
    private final MfaAudit audit;

    public ChallengeEndpoint(Services services, MfaTokenReader reader, ClientCheck clientCheck,
                             AuthenticatorStore authenticators, OobChallenges challenges,
                             AttemptLimiter limiter, Factors factors) {
        this.services = services;
        this.reader = reader;
        this.clientCheck = clientCheck;
        this.authenticators = authenticators;
        this.challenges = challenges;
        this.limiter = limiter;
        this.factors = factors;
        this.audit = new MfaAudit(services);
    }

    public void handle(Context context) {
        Params params = Params.fromBody(context);
        Optional<String> clientId = clientCheck.clientId(context, params);
        MfaTransaction transaction = reader.transaction(reader.requiredToken(params,
                        Bearer.token(context).isPresent()),
                clientId);
        Cors.callingClient(context, transaction.clientId());
        Set<String> types = challengeTypes(params.single("challenge_type"));

        Authenticator authenticator = select(transaction.userId(), types,
                params.single("authenticator_id"));
        limiter.requireNotLocked(transaction.userId(), Optional.of(authenticator.id()));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("challenge_type", authenticator.kind().authenticatorType());
        if (authenticator.kind().isOutOfBand()) {
            OobChallenges.Prepared prepared = services.database().inTransaction(handle ->
                    challenges.prepare(handle, authenticator, transaction, ClientIp.of(context),
                            language(context)));
            body.put("oob_code", challenges.deliver(prepared));
            body.put("binding_method", "prompt");
        }
        audit.challengeStarted(transaction, authenticator);
        context.header("Cache-Control", "no-store").header("Pragma", "no-cache").json(body);
    }

    /** The language of the code message: the request's Accept-Language, else English. */
    private Locale language(Context context) {
        return MessageLanguage.fromAcceptLanguage(
                Optional.ofNullable(context.header("Accept-Language")),
                services.messageLanguages());
    }

    private static Set<String> challengeTypes(Optional<String> requested) {
        if (requested.isEmpty()) {
            return TYPES;
        }
        Set<String> types = Arrays.stream(requested.get().trim().split(" +"))
                .collect(Collectors.toSet());
        if (!TYPES.containsAll(types)) {
            throw ProtocolError.invalidRequest("challenge_type must be otp, oob, or both"
                    + " separated by a space (\"otp oob\"); received " + types + ".");
        }
        return types;
    }

    private Authenticator select(String userId, Set<String> types, Optional<String> wanted) {
        List<Authenticator> active = authenticators.activeFactors(userId).stream()
                .filter(authenticator -> factors.enabled(authenticator.kind()))
                .toList();
        if (active.isEmpty()) {
            throw ProtocolError.of(400, "unsupported_challenge_type", "User is not enrolled."
                    + " You can use /mfa/associate endpoint to enroll the first authenticator.");
        }
        if (wanted.isPresent()) {
            return named(userId, types, wanted.get(), active);
        }
        return active.stream()
                .filter(authenticator -> types.contains(authenticator.kind().authenticatorType()))
                .findFirst()
                .orElseThrow(() -> unsupported(types, active));
    }

    private Authenticator named(String userId, Set<String> types, String id,
                                List<Authenticator> active) {
        Authenticator authenticator = authenticators.find(id)
                .filter(found -> found.userId().equals(userId))
                .orElseThrow(() -> ProtocolError.invalidRequest("authenticator_id " + id
                        + " is not an authenticator of this user. List them with"
                        + " GET /mfa/authenticators."));
        if (authenticator.kind() == AuthenticatorKind.RECOVERY_CODE) {
            throw ProtocolError.of(400, "unsupported_challenge_type", "authenticator_id "
                    + id + " is the user's recovery code, which is not challenged: send it"
                    + " as recovery_code to POST /oauth/token with grant_type "
                    + RecoveryCodeGrant.GRANT_TYPE + ", or challenge an otp or oob"
                    + " authenticator.");
        }
        if (!active.contains(authenticator)) {
            throw ProtocolError.of(400, "unsupported_challenge_type", "authenticator_id "
                    + id + " is not active: it was never confirmed (or its factor is"
                    + " disabled), so it cannot be challenged. Confirm it on POST /oauth/token,"
                    + " or challenge an active authenticator.");
        }
        String type = authenticator.kind().authenticatorType();
        if (!types.contains(type)) {
            throw ProtocolError.of(400, "unsupported_challenge_type", "authenticator_id "
                    + id + " is an " + type + " authenticator, but challenge_type asks for "
                    + String.join(" ", types) + ". Send challenge_type=" + type
                    + " (or leave it out) for this authenticator, or name an authenticator"
                    + " of the requested type.");
        }
        return authenticator;
    }

    private static ProtocolError unsupported(Set<String> types, List<Authenticator> active) {
        String supported = active.stream().map(a -> a.kind().authenticatorType()).distinct()
                .collect(Collectors.joining(" "));
        return ProtocolError.of(400, "unsupported_challenge_type", "The user does not"
                + " support the requested challenge type " + types + ". Supported: "
                + supported + ".");
    }
}
