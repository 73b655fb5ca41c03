package dev.twofold.mfa;

import dev.twofold.mfa.device.RememberedDeviceStore;
import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.oauth.Authentication;
import dev.twofold.oauth.TokenRequest;
import dev.twofold.oauth.TokenResponse;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps every MFA grant shares: find the transaction behind {@code mfa_token}, refuse a
 * locked user, and, once a factor is proved, spend the single-use values in one database
 * transaction (the code, a pending enrollment's confirmation, the {@code mfa_token}), clear
 * the failure counters and issue the tokens. The audit entries of a verification, its
 * success or failure and a confirmed enrollment, are recorded here for both the MFA grants and
 * the hosted pages. Thread-safe.
 */
public final class SecondFactorCompletion {

    private static final Logger LOG = LoggerFactory.getLogger(SecondFactorCompletion.class);

    private final Services services;
    private final MfaTokenReader reader;
    private final AuthenticatorStore authenticators;
    private final RecoveryCodes recoveryCodes;
    private final MfaTransactionStore transactions;
    private final AttemptLimiter limiter;
    private final MfaAudit audit;
    private final RememberedDeviceStore devices;

    public SecondFactorCompletion(Services services, MfaTokenReader reader,
                                  AuthenticatorStore authenticators, RecoveryCodes recoveryCodes,
                                  MfaTransactionStore transactions, AttemptLimiter limiter) {
        this.services = services;
        this.reader = reader;
        this.authenticators = authenticators;
        this.recoveryCodes = recoveryCodes;
        this.transactions = transactions;
        this.limiter = limiter;
        this.audit = new MfaAudit(services);
        this.devices = new RememberedDeviceStore(services);
    }

    /** The transaction of the request's {@code mfa_token}, for the authenticated client. */
    public MfaTransaction transaction(TokenRequest request) {
        return reader.transaction(reader.requiredToken(request.params(), false),
                Optional.of(request.client().clientId()));
    }

    /**
     * Runs an MFA grant's steps on the transaction of the request's {@code mfa_token}; any
     * refusal from them names the transaction's user for the audit log.
     */
    public TokenResponse attempt(TokenRequest request,
                                 Function<MfaTransaction, TokenResponse> steps) {
        MfaTransaction transaction = transaction(request);
        try {
            return steps.apply(transaction);
        } catch (ProtocolError error) {
            throw error.withSubjectIfAbsent(transaction.userId());
        }
    }

    /**
     * A factor that a code proved, and how to spend it: {@code spendFactor} is a conditional
     * update that also records the authenticator's last use (see {@link #recordingUse}), false
     * when a concurrent or an earlier request used the code.
     */
    public record Proof(Authenticator authenticator, Predicate<Handle> spendFactor) {
    }

    /**
     * How a verification's database transaction ended: no proof (a wrong code), a proof whose
     * spend lost (a code used already), or a spent proof and what was made from it.
     */
    private record Outcome<R>(Optional<Authenticator> proved, Optional<R> made) {
    }

    /**
     * Verifies a code and, when it proves a factor, spends it and issues tokens whose
     * {@code amr} names the factor (and, with {@code remember_device=true}, a
     * {@code device_token}). A wrong code, and a used one, are refused with {@code wrongCode};
     * see {@link #admitted} for what one database transaction holds.
     */
    public TokenResponse admitAndComplete(TokenRequest request, MfaTransaction transaction,
                                          Authenticator charged, List<String> alsoUnlocked,
                                          Supplier<Optional<Proof>> check,
                                          ProtocolError wrongCode) {
        boolean remember = request.params().flag("remember_device").orElse(false);
        Outcome<TokenResponse> outcome = admitted(transaction, charged, alsoUnlocked, check,
                (handle, proved) -> issue(handle, transaction.authentication()
                        .withSecondFactor(proved.kind().amr(), services.clock().instant()),
                        remember));
        if (outcome.made().isEmpty()) {
            refuse(transaction, refused(outcome, charged), wrongCode);
        }
        audited(transaction, outcome.proved().orElseThrow());
        return outcome.made().orElseThrow();
    }

    /**
     * {@link #admitAndComplete} for a hosted page, which issues no tokens: true when the code
     * proved the factor and everything single-use was spent; false for a wrong or used code,
     * counted and audited.
     */
    public boolean admitAndSpend(MfaTransaction transaction, Authenticator charged,
                                 Supplier<Optional<Proof>> check) {
        Outcome<Boolean> outcome = admitted(transaction, charged, List.of(), check,
                (handle, proved) -> true);
        if (outcome.made().isEmpty()) {
            failed(transaction, refused(outcome, charged));
            return false;
        }
        audited(transaction, outcome.proved().orElseThrow());
        return true;
    }

    /**
     * One database transaction for a verification: the attempt is counted on {@code charged}
     * (refused with 429 while the user, it, or one of {@code alsoUnlocked} is locked; see
     * {@link AttemptLimiter#admitted}), {@code check} compares the code, and a proved factor
     * is spent with everything else single-use (a pending enrollment's confirmation, the MFA
     * transaction, the failure counters) and {@code make} runs, all before one commit: a crash leaves the code unspent. A wrong or used code
     * commits its count only. The counters' rows are the first this transaction writes and
     * stay locked until it ends, so verifications of one user run one after another and take
     * their rows in one order. {@code check} must cost microseconds (a TOTP, a hash
     * comparison), not a slow password hash.
     */
    private <R> Outcome<R> admitted(MfaTransaction transaction, Authenticator charged,
                                    List<String> alsoUnlocked, Supplier<Optional<Proof>> check,
                                    BiFunction<Handle, Authenticator, R> make) {
        return limiter.admitted(transaction.userId(), Optional.of(charged.id()), alsoUnlocked,
                handle -> {
                    Optional<Proof> proof = check.get();
                    if (proof.isEmpty()) {
                        return new Outcome<R>(Optional.empty(), Optional.empty());
                    }
                    Authenticator proved = proof.get().authenticator();
                    if (!spendSteps(handle, transaction, proved, proof.get().spendFactor())) {
                        return new Outcome<R>(Optional.of(proved), Optional.empty());
                    }
                    return new Outcome<R>(Optional.of(proved),
                            Optional.of(make.apply(handle, proved)));
                });
    }

    /** The authenticator a refused outcome is charged to; a used code is logged. */
    private static Authenticator refused(Outcome<?> outcome, Authenticator charged) {
        outcome.proved().ifPresent(used -> LOG.warn("A correct second-factor code for"
                + " authenticator {} was used already (replay or concurrent use); refused",
                used.id()));
        return outcome.proved().orElse(charged);
    }

    /**
     * {@code spendFactor}, followed by recording the authenticator's last use, for a factor whose
     * spend leaves the authenticator's row alone (an out-of-band challenge). The TOTP step and
     * the recovery code are spent by an update of that row, which records the use itself.
     */
    public Predicate<Handle> recordingUse(Authenticator authenticator, Predicate<Handle> spend) {
        return handle -> {
            if (!spend.test(handle)) {
                return false;
            }
            authenticators.touch(handle, authenticator.id(), services.clock().millis());
            return true;
        };
    }

    /** The tokens, and the device_token that a later password grant may send. */
    private TokenResponse issue(Handle handle, Authentication proved, boolean remember) {
        TokenResponse response = services.tokenIssuer().issue(handle, proved);
        if (!remember) {
            return response;
        }
        return response.withExtra("device_token", devices.remember(handle, proved.userId(),
                proved.clientId(), RememberedDeviceStore.API));
    }

    private void audited(MfaTransaction transaction, Authenticator authenticator) {
        if (!authenticator.active()) {
            audit.enrollmentConfirmed(transaction, authenticator);
        }
        audit.verified(transaction, authenticator);
    }

    /** The spending steps of {@link #admitted}, inside its database transaction. */
    private boolean spendSteps(Handle handle, MfaTransaction transaction,
                               Authenticator authenticator, Predicate<Handle> spendFactor) {
        if (!spendFactor.test(handle)) {
            return false;
        }
        confirmIfPending(handle, transaction, authenticator);
        if (!transactions.spend(handle, transaction)) {
            throw ProtocolError.invalidGrant("mfa_token was already used: tokens were"
                    + " issued from it by a concurrent request. Log in again with"
                    + " POST /oauth/token to get a new mfa_token.");
        }
        limiter.recordSuccess(handle, transaction.userId(), Optional.of(authenticator.id()));
        return true;
    }

    /** Counts and audits a failed verification and throws the grant's wrong-code error. */
    private void refuse(MfaTransaction transaction, Authenticator authenticator,
                       ProtocolError wrongCode) {
        failed(transaction, authenticator);
        LOG.debug("Second factor refused for user {} with authenticator {}",
                transaction.userId(), authenticator.id());
        throw wrongCode;
    }

    /** Audits a failed verification and counts it on the user and the authenticator. */
    private void failed(MfaTransaction transaction, Authenticator authenticator) {
        audit.refused(transaction, authenticator);
        limiter.recordFailure(transaction.userId(), Optional.of(authenticator.id()));
    }

    private void confirmIfPending(Handle handle, MfaTransaction transaction,
                                  Authenticator authenticator) {
        if (authenticator.active()) {
            return;
        }
        if (!authenticator.confirmableBy(transaction)
                || !authenticators.activate(handle, authenticator.id(),
                        services.clock().millis())) {
            throw ProtocolError.invalidGrant("The authenticator being confirmed was replaced"
                    + " or confirmed meanwhile. Enroll again with POST /mfa/associate.");
        }
        recoveryCodes.activatePending(handle, transaction.userId());
        LOG.info("Authenticator {} of user {} confirmed", authenticator.id(),
                transaction.userId());
    }
}
