package dev.twofold.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Reads and writes resource servers (APIs). Thread-safe. */
public final class ResourceServerStore {

    private final Database database;

    public ResourceServerStore(Database database) {
        this.database = database;
    }

    /** The API with this identifier, read through the {@link ReadCache}. */
    public Optional<ResourceServer> findByIdentifier(String identifier) {
        return database.readCache().get("api:" + identifier, () -> database.withHandle(
                handle -> handle.createQuery(
                        "SELECT * FROM resource_servers WHERE identifier = :identifier")
                .bind("identifier", identifier).map((resultSet, context) -> map(resultSet))
                .findOne()));
    }

    public Optional<ResourceServer> find(String id) {
        return database.withHandle(handle -> handle.createQuery(
                "SELECT * FROM resource_servers WHERE id = :id")
                .bind("id", id).map((resultSet, context) -> map(resultSet)).findOne());
    }

    public List<ResourceServer> list() {
        return database.withHandle(handle -> handle.createQuery(
                "SELECT * FROM resource_servers ORDER BY created_at, id")
                .map((resultSet, context) -> map(resultSet)).list());
    }

    /** Inserts a new resource server, or replaces every field of an existing one. */
    public void save(ResourceServer server) {
        database.readCache().invalidate();
        database.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM resource_servers WHERE id = :id")
                    .bind("id", server.id()).execute();
            return handle.createUpdate("INSERT INTO resource_servers (id, identifier, name,"
                    + " signing_alg, scopes, token_lifetime, allow_offline_access, is_system,"
                    + " created_at, updated_at) VALUES (:id, :identifier, :name, :alg, :scopes,"
                    + " :lifetime, :offline, :system, :createdAt, :updatedAt)")
                    .bind("id", server.id())
                    .bind("identifier", server.identifier())
                    .bind("name", server.name())
                    .bind("alg", server.signingAlg())
                    .bind("scopes", JsonColumns.write(server.scopes()))
                    .bind("lifetime", server.tokenLifetime())
                    .bind("offline", server.allowOfflineAccess())
                    .bind("system", server.system())
                    .bind("createdAt", server.createdAt())
                    .bind("updatedAt", server.updatedAt())
                    .execute();
        });
        database.readCache().invalidate();
    }

    public boolean delete(String id) {
        database.readCache().invalidate();
        try {
            return database.inTransaction(handle -> handle.createUpdate(
                    "DELETE FROM resource_servers WHERE id = :id AND is_system = FALSE")
                    .bind("id", id).execute()) > 0;
        } finally {
            database.readCache().invalidate();
        }
    }

    private static ResourceServer map(ResultSet row) throws SQLException {
        return new ResourceServer(
                row.getString("id"),
                row.getString("identifier"),
                row.getString("name"),
                row.getString("signing_alg"),
                JsonColumns.strings(row.getString("scopes")),
                row.getInt("token_lifetime"),
                row.getBoolean("allow_offline_access"),
                row.getBoolean("is_system"),
                row.getLong("created_at"),
                row.getLong("updated_at"));
    }
}
