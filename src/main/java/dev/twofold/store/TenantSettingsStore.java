package dev.twofold.store;

import java.util.Optional;

/**
 * Tenant-wide settings changed at run time (the MFA policy, which factors are on), shared by
 * every node through the database. Thread-safe.
 */
public final class TenantSettingsStore {

    private final Database database;

    public TenantSettingsStore(Database database) {
        this.database = database;
    }

    public Optional<String> get(String name) {
        return database.withHandle(handle -> handle.createQuery(
                "SELECT setting_value FROM tenant_settings WHERE name = :name")
                .bind("name", name).mapTo(String.class).findOne());
    }

    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    public void put(String name, String value) {
        database.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM tenant_settings WHERE name = :name")
                    .bind("name", name).execute();
            return handle.createUpdate("INSERT INTO tenant_settings (name, setting_value)"
                    + " VALUES (:name, :value)").bind("name", name).bind("value", value).execute();
        });
    }
}
