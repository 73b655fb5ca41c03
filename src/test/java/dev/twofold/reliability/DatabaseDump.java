package dev.twofold.reliability;

import dev.twofold.testing.TestServer;
import java.util.List;
import java.util.Map;

/** Every row of every table of a node's database as text, like a plain SQL dump. */
final class DatabaseDump {

    private DatabaseDump() {
    }

    /**
     * Every table but {@code dev_outbox}: in development mode the console sender keeps each
     * message (destination and code in clear) there on purpose, for {@code GET /dev/outbox};
     * production mode never writes it (docs/delivery.md).
     */
    static String of(TestServer server) {
        return server.server().services().database().withHandle(handle -> {
            List<String> tables = handle.createQuery("SELECT table_name FROM"
                            + " information_schema.tables WHERE table_schema = current_schema()"
                            + " AND table_type IN ('BASE TABLE', 'TABLE')")
                    .mapTo(String.class).list();
            StringBuilder dump = new StringBuilder();
            for (String table : tables) {
                if (table.equalsIgnoreCase("dev_outbox")) {
                    continue;
                }
                dump.append("-- ").append(table).append('\n');
                for (Map<String, Object> row : handle.createQuery("SELECT * FROM \"" + table
                        + "\"").mapToMap().list()) {
                    dump.append(row).append('\n');
                }
            }
            if (tables.isEmpty()) {
                throw new AssertionError("No tables found in the current schema");
            }
            return dump.toString();
        });
    }
}
