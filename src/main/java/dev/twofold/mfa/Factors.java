package dev.twofold.mfa;

import dev.twofold.store.TenantSettingsStore;
import java.util.Set;

/**
 * Which factors the tenant has switched on: tenant settings {@code factor.<name>.enabled}
 * (docs/architecture.md); {@code otp}, {@code sms}, {@code email} and {@code recovery-code}
 * are on by default, {@code voice} off. Read on every use, so a change made on any node
 * applies at once. Thread-safe.
 */
public final class Factors {

    private static final Set<String> ON_BY_DEFAULT = Set.of("otp", "sms", "email",
            "recovery-code");

    private final TenantSettingsStore settings;

    public Factors(TenantSettingsStore settings) {
        this.settings = settings;
    }

    public boolean enabled(AuthenticatorKind kind) {
        String fallback = Boolean.toString(ON_BY_DEFAULT.contains(kind.factorName()));
        return Boolean.parseBoolean(settings.get("factor." + kind.factorName() + ".enabled",
                fallback).trim());
    }
}
