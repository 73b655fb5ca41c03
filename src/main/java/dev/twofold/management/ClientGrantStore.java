package dev.twofold.management;

import dev.twofold.store.Database;
import dev.twofold.store.JsonColumns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Reads and writes client grants (table {@code client_grants}; {@code scope} is a JSON array
 * of scope names). Thread-safe.
 */
final class ClientGrantStore {

    private final Database database;

    ClientGrantStore(Database database) {
        this.database = database;
    }

    Optional<ClientGrant> find(String id) {
        return database.withHandle(handle -> handle.createQuery(
                "SELECT * FROM client_grants WHERE id = :id").bind("id", id)
                .map((row, context) -> map(row)).findOne());
    }

    Optional<ClientGrant> find(String clientId, String audience) {
        return database.withHandle(handle -> handle.createQuery("SELECT * FROM client_grants"
                        + " WHERE client_id = :client AND audience = :audience")
                .bind("client", clientId).bind("audience", audience)
                .map((row, context) -> map(row)).findOne());
    }

    List<ClientGrant> list() {
        return database.withHandle(handle -> handle.createQuery(
                "SELECT * FROM client_grants ORDER BY created_at, id")
                .map((row, context) -> map(row)).list());
    }

    /** Inserts a grant; false when the client already has one for the audience. */
    boolean insert(ClientGrant grant) {
        try {
            return database.inTransaction(handle -> insert(handle, grant));
        } finally {
            database.readCache().invalidate();
        }
    }

    boolean insert(Handle handle, ClientGrant grant) {
        database.readCache().invalidate();
        if (handle.createQuery("SELECT COUNT(*) FROM client_grants"
                        + " WHERE client_id = :client AND audience = :audience")
                .bind("client", grant.clientId()).bind("audience", grant.audience())
                .mapTo(Integer.class).one() > 0) {
            return false;
        }
        handle.createUpdate("INSERT INTO client_grants (id, client_id, audience, scope,"
                        + " created_at) VALUES (:id, :client, :audience, :scope, :createdAt)")
                .bind("id", grant.id()).bind("client", grant.clientId())
                .bind("audience", grant.audience()).bind("scope", JsonColumns.write(grant.scope()))
                .bind("createdAt", grant.createdAt()).execute();
        return true;
    }

    boolean updateScope(String id, List<String> scope) {
        return written(() -> database.inTransaction(handle -> handle.createUpdate(
                "UPDATE client_grants SET scope = :scope WHERE id = :id")
                .bind("scope", JsonColumns.write(scope)).bind("id", id).execute()) > 0);
    }

    boolean delete(String id) {
        return written(() -> database.inTransaction(handle -> handle.createUpdate(
                "DELETE FROM client_grants WHERE id = :id").bind("id", id).execute()) > 0);
    }

    /** Runs a write with the read cache emptied before it and after its commit. */
    private boolean written(java.util.function.BooleanSupplier write) {
        database.readCache().invalidate();
        try {
            return write.getAsBoolean();
        } finally {
            database.readCache().invalidate();
        }
    }

    private static ClientGrant map(ResultSet row) throws SQLException {
        return new ClientGrant(row.getString("id"), row.getString("client_id"),
                row.getString("audience"), JsonColumns.strings(row.getString("scope")),
                row.getLong("created_at"));
    }
}
