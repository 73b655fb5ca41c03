package dev.twofold.mfa;

import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.time.Duration;
import java.util.Optional;

/**
 * The MFA limits of a node, read once at start-up; secure defaults live here.
 *
 * @param maxFailures failed second-factor verifications (per user, and per authenticator)
 *     that lock verification ({@code TWOFOLD_MFA_MAX_FAILURES}, default 10)
 * @param lockout how long the lock lasts, and the window failures are counted in
 *     ({@code TWOFOLD_MFA_LOCKOUT}, default 15 minutes)
 * @param transactionLifetime how long an {@code mfa_token} lives (10 minutes, as Auth0)
 * @param oobCodeLifetime how long an SMS, voice or email code lives (5 minutes, as Auth0)
 * @param productName {@code TWOFOLD_PRODUCT_NAME}, the issuer shown in authenticator apps
 */
public record MfaSettings(
        int maxFailures,
        Duration lockout,
        Duration transactionLifetime,
        Duration oobCodeLifetime,
        Optional<String> productName) {

    public static MfaSettings from(Settings settings) {
        return new MfaSettings(
                settings.getInt(Setting.MFA_MAX_FAILURES),
                settings.getDuration(Setting.MFA_LOCKOUT),
                Duration.ofMinutes(10),
                Duration.ofMinutes(5),
                settings.get(Setting.PRODUCT_NAME));
    }
}
