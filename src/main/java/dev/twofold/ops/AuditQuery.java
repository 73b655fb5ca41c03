package dev.twofold.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;

/**
 * Which audit entries to list: filters on whitelisted fields, a checkpoint ({@code from}) or a
 * page, and the order. Immutable.
 *
 * @param filters field name ({@code type}, {@code user_id}, {@code client_id}, {@code ip}) to
 *     the exact value it must have
 * @param after only entries with a greater {@code log_id} (Auth0's checkpoint pagination)
 */
public record AuditQuery(Map<String, String> filters, Optional<String> after, boolean ascending,
                         int limit, int offset) {

    /** The columns a filter may name, by the field name of the API. */
    static final Map<String, String> COLUMNS = Map.of("type", "event_type", "user_id", "user_id",
            "client_id", "client_id", "ip", "ip");

    public AuditQuery {
        filters = Map.copyOf(filters);
        if (!COLUMNS.keySet().containsAll(filters.keySet())) {
            throw new IllegalArgumentException("Unknown filter in " + filters.keySet());
        }
    }

    String where() {
        List<String> conditions = new ArrayList<>();
        filters.keySet().stream().sorted()
                .forEach(field -> conditions.add(COLUMNS.get(field) + " = :f_" + field));
        after.ifPresent(logId -> conditions.add("log_id > :after"));
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    void bind(Query query) {
        filters.forEach((field, value) -> query.bind("f_" + field, value));
        after.ifPresent(logId -> query.bind("after", logId));
    }
}
