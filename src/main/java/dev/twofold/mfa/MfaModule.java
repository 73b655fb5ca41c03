package dev.twofold.mfa;

import dev.twofold.mfa.device.RememberedDeviceStore;
import dev.twofold.mfa.device.RememberedDevicesEndpoint;
import dev.twofold.mfa.oob.OobChallenges;
import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.oauth.ClientAuthenticator;
import dev.twofold.ops.Lockouts;
import dev.twofold.server.Services;
import io.javalin.Javalin;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the mfa feature: the MFA gate, the three MFA grants, and the MFA API routes
 * ({@code /mfa/associate}, {@code /mfa/challenge}, {@code /mfa/authenticators}).
 */
public final class MfaModule {

    private static final Logger LOG = LoggerFactory.getLogger(MfaModule.class);

    private MfaModule() {
    }

    public static void install(Services services, Javalin app) {
        MfaSettings settings = MfaSettings.from(services.settings());
        MfaTransactionStore transactions = new MfaTransactionStore(services.database(),
                services.clock(), settings);
        AuthenticatorStore authenticators = new AuthenticatorStore(services.database());
        Factors factors = new Factors(services.tenantSettings());
        AttemptLimiter limiter = new AttemptLimiter(services.database(), services.clock(),
                settings);
        limiter.onLock(subject -> Lockouts.record(services, subject));
        RecoveryCodes recoveryCodes = new RecoveryCodes(services.database(), authenticators,
                services.clock());
        OobChallenges challenges = new OobChallenges(services, settings.oobCodeLifetime());
        MfaTokenReader reader = new MfaTokenReader(services, transactions);
        ClientCheck clientCheck = new ClientCheck(new ClientAuthenticator(services));
        SecondFactorCompletion completion = new SecondFactorCompletion(services, reader,
                authenticators, recoveryCodes, transactions, limiter);

        RememberedDeviceStore devices = new RememberedDeviceStore(services);
        services.mfaGate(new PolicyMfaGate(new MfaPolicy(services, authenticators, factors),
                transactions, devices));
        services.addGrant(new OtpGrant(services, completion, authenticators, factors));
        services.addGrant(new OobGrant(services, completion, authenticators, challenges));
        services.addGrant(new RecoveryCodeGrant(completion, recoveryCodes));

        AssociateEndpoint associate = new AssociateEndpoint(services, reader, clientCheck,
                authenticators, recoveryCodes, challenges, factors, settings);
        ChallengeEndpoint challenge = new ChallengeEndpoint(services, reader, clientCheck,
                authenticators, challenges, limiter, factors);
        AuthenticatorsEndpoint list = new AuthenticatorsEndpoint(services, reader,
                authenticators);
        app.post("/mfa/associate", associate::handle);
        app.post("/mfa/challenge", challenge::handle);
        app.get("/mfa/authenticators", list::list);
        app.delete("/mfa/authenticators/{id}", list::delete);
        RememberedDevicesEndpoint remembered = new RememberedDevicesEndpoint(services, reader,
                devices);
        app.get("/mfa/remembered-devices", remembered::list);
        app.delete("/mfa/remembered-devices/{id}", remembered::delete);
        purgeRegularly(services, transactions);
    }

    /** Deletes long-expired MFA transactions (and with them their oob challenges) hourly. */
    private static void purgeRegularly(Services services, MfaTransactionStore transactions) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("mfa-purge").factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                transactions.purgeExpired();
            } catch (RuntimeException e) {
                LOG.warn("Purging expired MFA transactions failed; will retry", e);
            }
        }, 1, 60, TimeUnit.MINUTES);
        services.onShutdown(timer::shutdownNow);
    }
}
