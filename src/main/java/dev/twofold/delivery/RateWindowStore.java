package dev.twofold.delivery;

import dev.twofold.store.Database;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Leaky buckets in the {@code rate_windows} table, shared by every node. A row holds the
 * bucket's level ({@code hits}) at a moment ({@code window_started_at}); the level drops by one
 * per interval since then. Thread-safe; correct across nodes because rows are locked.
 */
final class RateWindowStore {

    /** A limit applied to one subject, under its table key. */
    record Bucket(String key, RateLimit limit) {
    }

    /** A bucket that is full, and how long until it has room. */
    record Refusal(RateLimit limit, long retryAfterMillis) {
    }

    private final Database database;

    RateWindowStore(Database database) {
        this.database = database;
    }

    /**
     * Takes one message from every bucket, or from none: when any bucket is full, nothing is
     * counted, and the refusal names the first full bucket in the given order with the longest
     * wait of all full buckets (when the message could go out).
     */
    Optional<Refusal> take(List<Bucket> buckets, long now) {
        List<String> keys = buckets.stream().map(Bucket::key).sorted().distinct().toList();
        keys.forEach(key -> ensureRow(key, now));
        return database.inTransaction(handle -> {
            // A fixed lock order keeps two nodes taking the same buckets from deadlocking.
            Map<String, long[]> rows = new HashMap<>();
            keys.forEach(key -> rows.put(key, lock(handle, key)));
            return takeLocked(handle, buckets, rows, now);
        });
    }

    private Optional<Refusal> takeLocked(Handle handle, List<Bucket> buckets,
                                         Map<String, long[]> rows, long now) {
        List<long[]> next = new ArrayList<>();
        RateLimit firstFull = null;
        long longestWait = 0;
        for (Bucket bucket : buckets) {
            long[] row = rows.get(bucket.key());
            long interval = bucket.limit().interval().toMillis();
            // Another node may have written a later time than this request's clock reading.
            long elapsed = Math.max(0, now - row[0]);
            long leaked = elapsed / interval;
            long level = Math.max(0, row[1] - leaked);
            long since = level == 0 ? Math.max(now, row[0]) : row[0] + leaked * interval;
            if (level >= bucket.limit().burst()) {
                firstFull = firstFull == null ? bucket.limit() : firstFull;
                longestWait = Math.max(longestWait, interval - (elapsed - leaked * interval));
            }
            next.add(new long[] {since, level + 1});
        }
        if (firstFull != null) {
            return Optional.of(new Refusal(firstFull, longestWait));
        }
        for (int i = 0; i < buckets.size(); i++) {
            handle.createUpdate("UPDATE rate_windows SET window_started_at = :since,"
                            + " hits = :hits WHERE limit_key = :key")
                    .bind("since", next.get(i)[0]).bind("hits", (int) next.get(i)[1])
                    .bind("key", buckets.get(i).key()).execute();
        }
        return Optional.empty();
    }

    private static long[] lock(Handle handle, String key) {
        return handle.createQuery("SELECT window_started_at, hits FROM rate_windows"
                        + " WHERE limit_key = :key FOR UPDATE")
                .bind("key", key)
                .map((row, context) -> new long[] {row.getLong(1), row.getLong(2)})
                .one();
    }

    /**
     * Creates an empty bucket row; another request creating it at the same moment is fine.
     * The INSERT must not fail: when this runs inside a caller's transaction (an enrollment
     * sends its first message in the one that stores the authenticator), a failed statement
     * would abort that whole transaction on PostgreSQL.
     */
    private void ensureRow(String key, long now) {
        boolean exists = database.withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM rate_windows WHERE limit_key = :key")
                .bind("key", key).mapTo(Integer.class).one() > 0);
        if (exists) {
            return;
        }
        database.inTransaction(handle -> handle.createUpdate("INSERT INTO rate_windows"
                        + " (limit_key, window_started_at, hits) VALUES (:key, :now, 0)"
                        + " ON CONFLICT DO NOTHING")
                .bind("key", key).bind("now", now).execute());
    }
}
