package dev.twofold.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.twofold.server.Json;
import dev.twofold.store.Database;
import java.io.PrintStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * The audit log of security events: logins, second factors, refresh-token reuse, Management
 * API operations. Other modules call {@link #record}; operators read it with
 * {@code GET /api/v2/logs}. Optionally every entry is also printed to standard output as one
 * JSON line ({@code TWOFOLD_AUDIT_STDOUT=true}) for a log shipper. Thread-safe.
 */
public final class AuditLog implements AutoCloseable {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Database database;
    private final Clock clock;
    private final Metrics metrics;
    private final PrintStream stdout;
    private final AuditWriter writer;

    /**
     * @param stdout where to copy each entry as a JSON line, or {@code null} for no copy
     */
    public AuditLog(Database database, Clock clock, Metrics metrics, PrintStream stdout) {
        this.database = database;
        this.clock = clock;
        this.metrics = metrics;
        this.stdout = stdout;
        this.writer = new AuditWriter(this::insert);
    }

    /**
     * Records an event outside the caller's transaction, so that a refusal is recorded even
     * when the caller's transaction rolls back. The row is written by a background writer
     * that groups the entries of concurrent requests into one transaction; a failure to write
     * is logged, never thrown: the audit log must not turn a login into a server error.
     */
    public void record(AuditEvent event) {
        AuditEntry entry = entry(event);
        if (event.outcomeOfRequest()) {
            RequestIds.request().ifPresent(current -> current.audited = true);
        }
        metrics.counter("twofold.audit.events", "Audit log entries by Auth0 event type", "type",
                entry.type()).increment();
        writer.submit(entry);
        if (stdout != null) {
            stdout.println(toJsonLine(entry));
        }
    }

    /** One entry by its {@code log_id}. */
    public Optional<AuditEntry> find(String logId) {
        writer.flush();
        return database.withHandle(handle -> handle.createQuery(
                "SELECT * FROM audit_log WHERE log_id = :id").bind("id", logId)
                .map((row, context) -> map(row)).findOne());
    }

    /** A page of entries matching the query. */
    public List<AuditEntry> list(AuditQuery query) {
        writer.flush();
        String order = query.ascending() ? "ASC" : "DESC";
        String sql = "SELECT * FROM audit_log" + query.where() + " ORDER BY log_id " + order
                + " LIMIT :limit OFFSET :offset";
        return database.withHandle(handle -> {
            Query statement = handle.createQuery(sql);
            query.bind(statement);
            return statement.bind("limit", query.limit()).bind("offset", query.offset())
                    .map((row, context) -> map(row)).list();
        });
    }

    /** How many entries match the query's filters, for {@code include_totals}. */
    public long count(AuditQuery query) {
        writer.flush();
        return database.withHandle(handle -> {
            Query statement = handle.createQuery("SELECT COUNT(*) FROM audit_log"
                    + query.where());
            query.bind(statement);
            return statement.mapTo(Long.class).one();
        });
    }

    private AuditEntry entry(AuditEvent event) {
        long now = clock.millis();
        // Sortable by time: 13 digits of epoch millis, then 12 random digits against
        // collisions. Not a secret (the entry's own API lists it), so no SecureRandom.
        String millis = Long.toString(now);
        String random = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000_000L));
        String logId = new StringBuilder(25).repeat('0', 13 - millis.length()).append(millis)
                .repeat('0', 12 - random.length()).append(random).toString();
        return new AuditEntry(logId, Instant.ofEpochMilli(now), event.type().code(),
                event.type().outcome().name().toLowerCase(java.util.Locale.ROOT),
                truncate(event.description(), 1000), event.userId().orElse(null),
                event.clientId().orElse(null), event.ip().map(ip -> truncate(ip, 64)).orElse(null),
                event.userAgent().map(agent -> truncate(agent, 512)).orElse(null),
                RequestIds.current().orElse(null), event.details());
    }

    /**
     * Waits until every entry recorded on this node so far is stored. Entries of other nodes
     * are read as their writers store them, a few milliseconds after their requests.
     */
    public void flush() {
        writer.flush();
    }

    /** Stores the entries still queued and stops the writer; for shutdown. */
    @Override
    public void close() {
        writer.close();
    }

    private void insert(List<AuditEntry> entries) {
        database.inTransaction(handle -> {
            PreparedBatch batch = handle.prepareBatch("INSERT INTO audit_log (log_id,"
                    + " occurred_at, event_type, outcome, description, user_id, client_id, ip,"
                    + " user_agent, request_id, details) VALUES (:id, :at, :type, :outcome,"
                    + " :description, :user, :client, :ip, :agent, :request, :details)");
            for (AuditEntry entry : entries) {
                batch.bind("id", entry.logId())
                        .bind("at", entry.date().toEpochMilli())
                        .bind("type", entry.type())
                        .bind("outcome", entry.outcome())
                        .bind("description", entry.description())
                        .bind("user", entry.userId())
                        .bind("client", entry.clientId())
                        .bind("ip", entry.ip())
                        .bind("agent", entry.userAgent())
                        .bind("request", entry.requestId())
                        .bind("details", write(entry.details()))
                        .add();
            }
            return batch.execute();
        });
    }

    private static AuditEntry map(ResultSet row) throws SQLException {
        return new AuditEntry(row.getString("log_id"),
                Instant.ofEpochMilli(row.getLong("occurred_at")), row.getString("event_type"),
                row.getString("outcome"), row.getString("description"), row.getString("user_id"),
                row.getString("client_id"), row.getString("ip"), row.getString("user_agent"),
                row.getString("request_id"), read(row.getString("details")));
    }

    private static String toJsonLine(AuditEntry entry) {
        Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("audit", true);
        line.putAll(entry.toJson());
        try {
            return Json.MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            return "{\"audit\":true,\"unserializable\":true}";
        }
    }

    private static String write(Map<String, Object> value) {
        try {
            String json = Json.MAPPER.writeValueAsString(value);
            return json.length() <= 8000 ? json : "{\"truncated\":true}";
        } catch (JsonProcessingException e) {
            return "{\"unserializable\":true}";
        }
    }

    private static Map<String, Object> read(String json) {
        try {
            return Json.MAPPER.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
