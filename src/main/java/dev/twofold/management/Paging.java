package dev.twofold.management;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Auth0's offset paging ({@code page}, {@code per_page}, {@code include_totals}) and the
 * answer shapes it implies: a bare array, or with totals an object
 * {@code {"<name>":[…],"start","limit","length","total"}}. Immutable.
 */
record Paging(int page, int perPage, boolean includeTotals) {

    static final int MAX_PER_PAGE = 100;
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static Paging from(Context context) {
        int page = number(context, "page", 0);
        int perPage = number(context, "per_page", 50);
        if (perPage < 1 || perPage > MAX_PER_PAGE) {
            throw ManagementErrors.invalidQuery("per_page is " + perPage + "; send a number"
                    + " from 1 to " + MAX_PER_PAGE + ".");
        }
        String totals = context.queryParam("include_totals");
        if (totals != null && !totals.equals("true") && !totals.equals("false")) {
            throw ManagementErrors.invalidQuery("include_totals is '" + totals
                    + "'; send true or false.");
        }
        return new Paging(page, perPage, "true".equals(totals));
    }

    private static int number(Context context, String name, int fallback) {
        String value = context.queryParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number < 0) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw ManagementErrors.invalidQuery(name + " is '" + value + "'; send a whole"
                    + " number of 0 or more.");
        }
    }

    int offset() {
        return page * perPage;
    }

    /** One page of an in-memory list. */
    <T> List<T> slice(List<T> all) {
        int from = Math.min(offset(), all.size());
        return all.subList(from, Math.min(from + perPage, all.size()));
    }

    /** The answer body: the items, wrapped with totals when they were asked for. */
    Object answer(String name, List<?> items, int total) {
        if (!includeTotals) {
            return items;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("start", offset());
        body.put("limit", perPage);
        body.put("length", items.size());
        body.put("total", total);
        body.put(name, items);
        return body;
    }

    /** Auth0's time format: ISO-8601 UTC with milliseconds. */
    static String time(long epochMillis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }
}
