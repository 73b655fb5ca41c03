package dev.twofold.ops;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stored audit log entry, as {@code GET /api/v2/logs} answers it.
 *
 * @param logId sortable: later entries have greater ids
 * @param type Auth0's event type code, e.g. {@code s}
 * @param details a JSON object
 */
public record AuditEntry(
        String logId,
        Instant date,
        String type,
        String outcome,
        String description,
        String userId,
        String clientId,
        String ip,
        String userAgent,
        String requestId,
        Map<String, Object> details) {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The entry in the shape of Auth0's log event; absent fields are left out. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("log_id", logId);
        json.put("date", DATE.format(date));
        json.put("type", type);
        json.put("description", description);
        putIfPresent(json, "client_id", clientId);
        putIfPresent(json, "user_id", userId);
        putIfPresent(json, "ip", ip);
        putIfPresent(json, "user_agent", userAgent);
        Map<String, Object> allDetails = new LinkedHashMap<>(details);
        allDetails.put("outcome", outcome);
        if (requestId != null) {
            allDetails.put("request_id", requestId);
        }
        json.put("details", allDetails);
        return json;
    }

    private static void putIfPresent(Map<String, Object> json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
    }
}
