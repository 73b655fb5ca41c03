package dev.twofold.mfa;

import dev.twofold.mfa.device.RememberedDeviceStore;
import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.oauth.Authentication;
import dev.twofold.oauth.TokenRequest;
import dev.twofold.oauth.TokenResponse;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
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

    public AttemptLimiter limiter() {
        return limiter;
    }

    /**
     * Spends the proved factor with {@code spendFactor} (a conditional update that also
     * records the authenticator's last use, see {@link #recordingUse}; false when a
     * concurrent request or an earlier one used it) and everything else single-use, then
     * issues tokens whose {@code amr} names the factor and, with {@code remember_device=true},
     * a {@code device_token}. A lost race reads like a wrong code.
     */
    public TokenResponse complete(TokenRequest request, MfaTransaction transaction,
                                  Authenticator authenticator, Predicate<Handle> spendFactor,
                                  ProtocolError wrongCode) {
        boolean remember = request.params().flag("remember_device").orElse(false);
        Authentication proved = transaction.authentication()
                .withSecondFactor(authenticator.kind().amr(), services.clock().instant());
        // Spending, issuing and remembering commit together: a crash leaves the code unspent.
        Optional<TokenResponse> issued = services.database().inTransaction(handle ->
                spendSteps(handle, transaction, authenticator, spendFactor)
                        ? Optional.of(issue(handle, proved, remember))
                        : Optional.empty());
        if (issued.isEmpty()) {
            LOG.warn("A correct second-factor code for authenticator {} was used already"
                    + " (replay or concurrent use); refused", authenticator.id());
            refuse(transaction, authenticator, wrongCode);
        }
        audited(transaction, authenticator);
        return issued.orElseThrow();
    }

    /**
     * The state change of a proved factor, in one database transaction: the factor is spent
     * with {@code spendFactor} (which records the authenticator's last use, as in
     * {@link #complete}), a pending enrollment confirmed (with its recovery code), the MFA
     * transaction spent, the failure counters cleared; after the commit, audited. False when
     * {@code spendFactor} lost (the code was used already); then nothing changed.
     */
    public boolean spend(MfaTransaction transaction, Authenticator authenticator,
                         Predicate<Handle> spendFactor) {
        boolean spent = services.database().inTransaction(handle ->
                spendSteps(handle, transaction, authenticator, spendFactor));
        if (spent) {
            audited(transaction, authenticator);
        }
        return spent;
    }

    /**
     * {@code spend}, followed by recording the authenticator's last use, for a factor whose
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

    /** The steps of {@link #spend}, inside the caller's database transaction. */
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
    public void refuse(MfaTransaction transaction, Authenticator authenticator,
                       ProtocolError wrongCode) {
        failed(transaction, authenticator);
        LOG.debug("Second factor refused for user {} with authenticator {}",
                transaction.userId(), authenticator.id());
        throw wrongCode;
    }

    /** Audits a failed verification and counts it on the user and the authenticator. */
    public void failed(MfaTransaction transaction, Authenticator authenticator) {
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
