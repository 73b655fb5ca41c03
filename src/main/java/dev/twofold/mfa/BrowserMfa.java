package dev.twofold.mfa;

import dev.twofold.server.Setting;
import dev.twofold.crypto.Randoms;
import dev.twofold.crypto.Secret;
import dev.twofold.mfa.oob.OobChallenge;
import dev.twofold.mfa.oob.OobChallenges;
import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.mfa.totp.Base32;
import dev.twofold.mfa.totp.TotpVerifier;
import dev.twofold.oauth.Authentication;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MFA module's door for the hosted pages: the same steps as {@code /mfa/associate},
 * {@code /mfa/challenge} and the mfa-otp and mfa-oob grants (enrollment, out-of-band codes of
 * 6 digits valid 5 minutes and used once, sending limits, the attempt limiter, sealed secrets,
 * one database transaction per state change), without tokens: the page records the proved
 * factor in the browser session instead. Adds a resend cool-down per authenticator
 * ({@code TWOFOLD_MFA_RESEND_COOLDOWN}, default 30 seconds). Thread-safe.
 */
public final class BrowserMfa {

    private static final Logger LOG = LoggerFactory.getLogger(BrowserMfa.class);

    private final Services services;
    private final AuthenticatorStore authenticators;
    private final Factors factors;
    private final AttemptLimiter limiter;
    private final OobChallenges challenges;
    private final RecoveryCodes recoveryCodes;
    private final MfaTransactionStore transactions;
    private final SecondFactorCompletion completion;
    private final Enrollments enrollments;
    private final MfaAudit audit;
    private final Duration resendCooldown;

    private BrowserMfa(Services services, AttemptLimiter limiter, MfaSettings settings) {
        this.services = services;
        this.authenticators = new AuthenticatorStore(services.database());
        this.factors = new Factors(services.tenantSettings());
        this.limiter = limiter;
        this.challenges = new OobChallenges(services, settings.oobCodeLifetime());
        this.recoveryCodes = new RecoveryCodes(services.database(), authenticators,
                services.clock());
        this.transactions = new MfaTransactionStore(services.database(), services.clock(),
                settings);
        this.completion = new SecondFactorCompletion(services,
                new MfaTokenReader(services, transactions), authenticators, recoveryCodes,
                transactions, limiter);
        this.enrollments = new Enrollments(services, settings);
        this.audit = new MfaAudit(services);
        this.resendCooldown = services.settings().getDuration(Setting.MFA_RESEND_COOLDOWN);
    }

    /** The door of a node, sharing the login pages' attempt limiter. */
    public static BrowserMfa of(Services services, AttemptLimiter limiter) {
        return new BrowserMfa(services, limiter, MfaSettings.from(services.settings()));
    }

    /** How long a user waits between two codes sent to one authenticator. */
    public Duration resendCooldown() {
        return resendCooldown;
    }

    /**
     * The MFA transaction of one hosted sign-in.
     *
     * @param browserKey a value only the browser of the sign-in can produce (derived from its
     *     cookie and the request), so the transaction cannot be reached from anywhere else
     */
    public MfaTransaction transaction(String browserKey, Authentication authentication) {
        return transactions.forBrowser(browserKey, authentication);
    }

    /** The user's confirmed factors that the tenant has enabled, oldest first. */
    public List<Authenticator> factors(String userId) {
        return authenticators.activeFactors(userId).stream()
                .filter(authenticator -> factors.enabled(authenticator.kind()))
                .toList();
    }

    /** The kinds a user may enroll: those the tenant enabled, without the recovery code. */
    public List<AuthenticatorKind> enrollableKinds() {
        return Stream.of(AuthenticatorKind.values())
                .filter(kind -> kind != AuthenticatorKind.RECOVERY_CODE)
                .filter(factors::enabled)
                .toList();
    }

    /**
     * Whether the pages may enroll a factor for this user: only the first one, as an
     * {@code mfa_token} may on {@code /mfa/associate}; further factors need a passed MFA.
     */
    public boolean mayEnroll(String userId) {
        return !authenticators.hasActiveFactor(userId);
    }

    /**
     * One factor of the sign-in by id: a confirmed, enabled factor of the user, or the
     * enrollment this transaction started. Else 400 {@code unknown_factor}.
     */
    public Authenticator factor(MfaTransaction transaction, String authenticatorId) {
        return authenticators.find(authenticatorId)
                .filter(found -> found.userId().equals(transaction.userId()))
                .filter(found -> found.kind() != AuthenticatorKind.RECOVERY_CODE)
                .filter(found -> factors.enabled(found.kind()))
                .filter(found -> found.active() || found.confirmableBy(transaction))
                .orElseThrow(() -> ProtocolError.of(400, "unknown_factor", "authenticator_id"
                        + " names no factor of this sign-in; choose one of the factors the"
                        + " page lists."));
    }

    /** A TOTP enrollment's secret and otpauth URI, to show while it is unconfirmed. */
    public Enrollments.NewTotp totpSetup(Authenticator pending) {
        return enrollments.totpOf(pending);
    }

    /** Starts a TOTP enrollment: an unconfirmed authenticator with a new key. */
    public Enrollments.NewTotp enrollTotp(MfaTransaction transaction) {
        requireMayEnroll(transaction, AuthenticatorKind.TOTP);
        Enrollments.NewTotp totp = enrollments.totp(transaction);
        services.database().inTransaction(handle -> {
            authenticators.insertPending(handle, totp.authenticator());
            return null;
        });
        audit.enrollmentStarted(transaction, totp.authenticator());
        return totp;
    }

    /**
     * Starts an SMS, voice or email enrollment and, once it is committed, sends its first
     * code; a refused send leaves the unconfirmed authenticator, which enrolling again
     * replaces. A bad number or address is 400 {@code invalid_request}.
     */
    public Authenticator enrollOutOfBand(MfaTransaction transaction, AuthenticatorKind kind,
                                         Optional<String> destination, String clientIp,
                                         Locale locale) {
        requireMayEnroll(transaction, kind);
        Authenticator authenticator = kind == AuthenticatorKind.EMAIL
                ? enrollments.email(destination, transaction)
                : enrollments.phone(kind, destination, transaction);
        challenges.deliver(services.database().inTransaction(handle -> {
            authenticators.insertPending(handle, authenticator);
            return challenges.prepare(handle, authenticator, transaction, clientIp, locale);
        }));
        audit.enrollmentStarted(transaction, authenticator);
        return authenticator;
    }

    private void requireMayEnroll(MfaTransaction transaction, AuthenticatorKind kind) {
        if (kind == AuthenticatorKind.RECOVERY_CODE || !factors.enabled(kind)) {
            throw ProtocolError.of(400, "unknown_factor", "The factor " + kind.factorName()
                    + " cannot be enrolled here; choose one of the factors the page lists.");
        }
        if (!mayEnroll(transaction.userId())) {
            throw ProtocolError.accessDenied("This account already has a factor; sign in with"
                    + " it, then add more in the application.");
        }
    }

    /** The outcome of asking for a code. */
    public sealed interface Sending {
        /** The code was sent. */
        record Sent() implements Sending {
        }

        /** A code was sent less than the cool-down ago; nothing was sent. */
        record TooSoon(long seconds) implements Sending {
        }
    }

    /** Seconds until another code may be sent to this authenticator; 0 when it may now. */
    public long resendWaitSeconds(Authenticator authenticator) {
        return services.database().withHandle(handle -> waitSeconds(handle, authenticator));
    }

    /** Whether a code sent in this transaction for this authenticator is still usable. */
    public boolean codeSent(MfaTransaction transaction, Authenticator authenticator) {
        return !challenges.live(transaction.id(), authenticator.id()).isEmpty();
    }

    /**
     * Sends a new code to an out-of-band authenticator unless the cool-down forbids it. The
     * check and the stored challenge commit in one transaction on the user's locked row, so
     * of two concurrent requests one sends and the other meets the cool-down; the code is
     * sent after that commit, with no lock held. Sending limits and the attempt lock apply as
     * on the MFA API.
     */
    public Sending sendCode(MfaTransaction transaction, Authenticator authenticator,
                            String clientIp, Locale locale) {
        if (!authenticator.kind().isOutOfBand()) {
            throw ProtocolError.of(400, "unknown_factor", "Codes are sent only for SMS, voice"
                    + " and email factors; an authenticator app shows its own codes.");
        }
        limiter.requireNotLocked(transaction.userId(), Optional.of(authenticator.id()));
        Optional<OobChallenges.Prepared> prepared = services.database().inTransaction(
                handle -> {
                    authenticators.lockUser(handle, transaction.userId());
                    long wait = waitSeconds(handle, authenticator);
                    if (wait > 0) {
                        LOG.debug("Hosted resend refused: cool-down of authenticator {} runs"
                                + " {} s", authenticator.id(), wait);
                        return Optional.empty();
                    }
                    return Optional.of(challenges.prepare(handle, authenticator, transaction,
                            clientIp, locale));
                });
        if (prepared.isEmpty()) {
            return new Sending.TooSoon(Math.max(1, resendWaitSeconds(authenticator)));
        }
        challenges.deliver(prepared.get());
        audit.challengeStarted(transaction, authenticator);
        return new Sending.Sent();
    }

    private long waitSeconds(Handle handle, Authenticator authenticator) {
        Instant now = services.clock().instant();
        return challenges.lastSent(handle, authenticator.id())
                .map(sent -> Duration.between(now, sent.plus(resendCooldown)))
                .filter(left -> !left.isNegative() && !left.isZero())
                .map(left -> (left.toMillis() + 999) / 1000)
                .orElse(0L);
    }

    /** The outcome of a code typed on a page. */
    public sealed interface Verification {
        /**
         * The factor is proved (and, if it was an enrollment, confirmed).
         *
         * @param amr the RFC 8176 methods it proves
         * @param recoveryCode the recovery code created with a first enrollment, shown once
         */
        record Passed(List<String> amr, Optional<String> recoveryCode) implements Verification {
        }

        /** Wrong, expired or already used; counted by the attempt limiter. */
        record Wrong() implements Verification {
        }
    }

    /**
     * Checks a code for one factor: the current TOTP code (RFC 6238, each time step once) or
     * the code of a live out-of-band challenge of this transaction. Throws 429
     * {@code too_many_attempts} while the user or the factor is locked.
     */
    public Verification verify(MfaTransaction transaction, Authenticator authenticator,
                               String code) {
        String entered = code.strip();
        AtomicReference<String> recoveryCode = new AtomicReference<>();
        boolean passed = completion.admitAndSpend(transaction, authenticator, () ->
                (authenticator.kind() == AuthenticatorKind.TOTP
                        ? totpSpender(authenticator, entered)
                        : oobSpender(transaction, authenticator, entered))
                        .map(spender -> new SecondFactorCompletion.Proof(authenticator,
                                handle -> spender.test(handle) && recoveryCodeWithFirstFactor(
                                        handle, transaction, authenticator, recoveryCode))));
        if (!passed) {
            LOG.debug("Hosted second factor refused: wrong, expired or used code");
            return new Verification.Wrong();
        }
        return new Verification.Passed(authenticator.kind().amr(),
                Optional.ofNullable(recoveryCode.get()));
    }

    private Optional<Predicate<Handle>> totpSpender(
            Authenticator authenticator, String entered) {
        byte[] key = Base32.decode(services.secretBox().open(Authenticator.SECRET_PURPOSE,
                authenticator.secretSealed().orElseThrow()));
        OptionalLong step = TotpVerifier.DEFAULT.matchingStep(key, entered,
                services.clock().instant());
        if (step.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(handle -> authenticators.spendStep(handle, authenticator.id(),
                step.getAsLong(), services.clock().millis()));
    }

    private Optional<Predicate<Handle>> oobSpender(
            MfaTransaction transaction, Authenticator authenticator, String entered) {
        String hash = Randoms.sha256(entered);
        Optional<OobChallenge> match = challenges.live(transaction.id(), authenticator.id())
                .stream()
                .filter(challenge -> Secret.constantTimeEquals(challenge.bindingCodeHash(), hash))
                .findFirst();
        return match.map(challenge -> completion.recordingUse(authenticator,
                handle -> challenges.spend(handle, challenge)));
    }

    /**
     * With the first factor of an account, a recovery code (when the tenant enables them),
     * created in the confirming transaction so that it is shown once, right after.
     */
    private boolean recoveryCodeWithFirstFactor(Handle handle, MfaTransaction transaction,
                                                Authenticator authenticator,
                                                AtomicReference<String> created) {
        if (authenticator.active() || !factors.enabled(AuthenticatorKind.RECOVERY_CODE)
                || recoveryCodes.active(transaction.userId()).isPresent()) {
            return true;
        }
        created.set(recoveryCodes.createPending(handle, transaction.userId(),
                transaction.id()));
        return true;
    }
}
