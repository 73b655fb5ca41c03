package dev.twofold.ops;

import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v2/logs} and {@code GET /api/v2/logs/{id}}: the audit log in the shape of
 * Auth0's Management API log events, for a token with scope {@code read:logs}. Supports Auth0's
 * {@code page}/{@code per_page}/{@code include_totals}, checkpoint {@code from}/{@code take},
 * {@code sort=date:1|date:-1}, {@code fields}/{@code include_fields}, and of the Lucene
 * {@code q} syntax only {@code field:value} terms joined by {@code AND}.
 */
final class LogsEndpoint {

    static final String SCOPE = "read:logs";
    private static final int MAX_PER_PAGE = 100;
    private static final Pattern TERM = Pattern.compile("([a-z_]+):(\"[^\"]*\"|[^\\s\"]+)");

    private final AuditLog auditLog;
    private final LogsAccess access;

    LogsEndpoint(AuditLog auditLog, LogsAccess access) {
        this.auditLog = auditLog;
        this.access = access;
    }

    void install(Javalin app) {
        app.get("/api/v2/logs", this::list);
        app.get("/api/v2/logs/{id}", this::one);
    }

    private void list(Context context) {
        access.require(context, SCOPE);
        AuditQuery query = query(context);
        List<Map<String, Object>> logs = auditLog.list(query).stream()
                .map(entry -> fields(context, entry.toJson())).toList();
        noStore(context);
        if (!bool(context, "include_totals")) {
            context.json(logs);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("start", query.offset());
        body.put("limit", query.limit());
        body.put("length", logs.size());
        body.put("total", auditLog.count(query));
        body.put("logs", logs);
        context.json(body);
    }

    private void one(Context context) {
        access.require(context, SCOPE);
        String id = context.pathParam("id");
        AuditEntry entry = auditLog.find(id).orElseThrow(() -> ProtocolError.notFound(
                "No log event has the id '" + id + "'; take log_id from GET /api/v2/logs.")
                .withField("statusCode", 404).withField("errorCode", "inexistent_log"));
        noStore(context);
        context.json(fields(context, entry.toJson()));
    }

    private static AuditQuery query(Context context) {
        // Javalin's query parameters ignore a broken escape (q=%zz would list every event)
        // and answer one of repeated values; the query string is checked strictly first.
        try {
            Params.fromQuery(Optional.ofNullable(context.queryString()).orElse(""))
                    .requireNoRepeats();
        } catch (ProtocolError error) {
            throw badQuery(error.description());
        }
        Map<String, String> filters = filters(context.queryParam("q"));
        Optional<String> from = Optional.ofNullable(context.queryParam("from"))
                .filter(value -> !value.isBlank());
        if (from.isPresent()) {
            int take = number(context, "take", 50, 1, MAX_PER_PAGE);
            return new AuditQuery(filters, from, true, take, 0);
        }
        int perPage = number(context, "per_page", 50, 1, MAX_PER_PAGE);
        int page = number(context, "page", 0, 0, 1_000_000);
        return new AuditQuery(filters, Optional.empty(), ascending(context), perPage,
                page * perPage);
    }

    private static boolean ascending(Context context) {
        String sort = context.queryParam("sort");
        if (sort == null || sort.isBlank() || sort.equals("date:-1")) {
            return false;
        }
        if (sort.equals("date:1")) {
            return true;
        }
        throw badQuery("sort is '" + sort + "'; expected date:1 (oldest first) or date:-1"
                + " (newest first).");
    }

    static Map<String, String> filters(String q) {
        Map<String, String> filters = new LinkedHashMap<>();
        if (q == null || q.isBlank()) {
            return filters;
        }
        for (String term : q.trim().split("\\s+AND\\s+")) {
            Matcher matcher = TERM.matcher(term.trim());
            if (!matcher.matches() || !AuditQuery.COLUMNS.containsKey(matcher.group(1))) {
                throw badQuery("q term '" + term.trim() + "' is not supported; Twofold reads"
                        + " field:value terms joined by AND, with fields "
                        + AuditQuery.COLUMNS.keySet().stream().sorted().toList()
                        + ", e.g. q=type:s AND user_id:\"auth0|123\".");
            }
            filters.put(matcher.group(1), matcher.group(2).replace("\"", ""));
        }
        return filters;
    }

    private static Map<String, Object> fields(Context context, Map<String, Object> json) {
        String fields = context.queryParam("fields");
        if (fields == null || fields.isBlank()) {
            return json;
        }
        Set<String> named = new LinkedHashSet<>(Arrays.asList(fields.split(",")));
        boolean include = !"false".equals(context.queryParam("include_fields"));
        Map<String, Object> chosen = new LinkedHashMap<>();
        json.forEach((name, value) -> {
            if (named.contains(name) == include) {
                chosen.put(name, value);
            }
        });
        return chosen;
    }

    private static int number(Context context, String name, int fallback, int min, int max) {
        String value = context.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw badQuery(name + " is '" + value + "'; expected a whole number from " + min
                + " to " + max + ".");
    }

    private static boolean bool(Context context, String name) {
        String value = context.queryParam(name);
        if (value == null || value.isBlank() || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw badQuery(name + " is '" + value + "'; expected true or false.");
    }

    private static ProtocolError badQuery(String description) {
        // Auth0's Management API answers statusCode/errorCode; its SDKs read those fields.
        return ProtocolError.invalidRequest(description).withField("statusCode", 400)
                .withField("errorCode", "invalid_query_string");
    }

    private static void noStore(Context context) {
        context.header("Cache-Control", "no-store");
    }
}
