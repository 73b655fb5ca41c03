package dev.twofold.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Reads and writes clients. Thread-safe. */
public final class ClientStore {

    private final Database database;

    public ClientStore(Database database) {
        this.database = database;
    }

    /** The client, read through the {@link ReadCache}: token requests read it every time. */
    public Optional<Client> find(String clientId) {
        return database.readCache().get("client:" + clientId,
                () -> database.withHandle(handle -> find(handle, clientId)));
    }

    public Optional<Client> find(Handle handle, String clientId) {
        return handle.createQuery("SELECT * FROM clients WHERE client_id = :id")
                .bind("id", clientId).map((resultSet, context) -> map(resultSet)).findOne();
    }

    public List<Client> list() {
        return database.withHandle(handle -> handle.createQuery(
                "SELECT * FROM clients ORDER BY created_at, client_id")
                .map((resultSet, context) -> map(resultSet)).list());
    }

    /** Inserts a new client, or replaces every field of an existing one. */
    public void save(Client client) {
        database.readCache().invalidate();
        database.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM clients WHERE client_id = :id")
                    .bind("id", client.clientId()).execute();
            return handle.createUpdate("INSERT INTO clients (client_id, name, app_type,"
                    + " secret_hash, token_endpoint_auth_method, grant_types, redirect_uris,"
                    + " logout_urls, allowed_origins, mfa_policy, is_first_party, metadata,"
                    + " created_at, updated_at) VALUES (:clientId, :name, :appType, :secretHash,"
                    + " :method, :grants, :redirects, :logouts, :origins, :mfaPolicy,"
                    + " :firstParty, :metadata, :createdAt, :updatedAt)")
                    .bind("clientId", client.clientId())
                    .bind("name", client.name())
                    .bind("appType", client.appType())
                    .bind("secretHash", client.secretHash().orElse(null))
                    .bind("method", client.tokenEndpointAuthMethod())
                    .bind("grants", JsonColumns.write(List.copyOf(client.grantTypes())))
                    .bind("redirects", JsonColumns.write(client.redirectUris()))
                    .bind("logouts", JsonColumns.write(client.logoutUrls()))
                    .bind("origins", JsonColumns.write(client.allowedOrigins()))
                    .bind("mfaPolicy", client.mfaPolicy().orElse(null))
                    .bind("firstParty", client.firstParty())
                    .bind("metadata", client.metadataJson())
                    .bind("createdAt", client.createdAt())
                    .bind("updatedAt", client.updatedAt())
                    .execute();
        });
        database.readCache().invalidate();
    }

    public boolean delete(String clientId) {
        database.readCache().invalidate();
        try {
            return database.inTransaction(handle -> handle.createUpdate(
                    "DELETE FROM clients WHERE client_id = :id").bind("id", clientId)
                    .execute()) > 0;
        } finally {
            database.readCache().invalidate();
        }
    }

    private static Client map(ResultSet row) throws SQLException {
        return new Client(
                row.getString("client_id"),
                row.getString("name"),
                row.getString("app_type"),
                Optional.ofNullable(row.getString("secret_hash")),
                row.getString("token_endpoint_auth_method"),
                new LinkedHashSet<>(JsonColumns.strings(row.getString("grant_types"))),
                JsonColumns.strings(row.getString("redirect_uris")),
                JsonColumns.strings(row.getString("logout_urls")),
                JsonColumns.strings(row.getString("allowed_origins")),
                Optional.ofNullable(row.getString("mfa_policy")),
                row.getBoolean("is_first_party"),
                row.getString("metadata"),
                row.getLong("created_at"),
                row.getLong("updated_at"));
    }
}
