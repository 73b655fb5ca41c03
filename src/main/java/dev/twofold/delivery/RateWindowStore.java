package dev.twofold.delivery;

import dev.twofold.store.Database;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
     * counted and the refusal with the longest wait is returned.
     */
    Optional<Refusal> take(List<Bucket> buckets, long now) {
        List<Bucket> ordered = new ArrayList<>(buckets);
        // A fixed lock order keeps two nodes taking the same buckets from deadlocking.
        ordered.sort(Comparator.comparing(Bucket::key));
        ordered.forEach(bucket -> ensureRow(bucket.key(), now));
        return database.inTransaction(handle -> takeLocked(handle, ordered, now));
    }

    private Optional<Refusal> takeLocked(Handle handle, List<Bucket> buckets, long now) {
        List<long[]> next = new ArrayList<>();
        Refusal refusal = null;
        for (Bucket bucket : buckets) {
            long[] row = lock(handle, bucket.key());
            long interval = bucket.limit().interval().toMillis();
            long leaked = Math.max(0, (now - row[0]) / interval);
            long level = Math.max(0, row[1] - leaked);
            long since = level == 0 ? now : row[0] + leaked * interval;
            if (level >= bucket.limit().burst()) {
                long wait = interval - (now - since);
                if (refusal == null || wait > refusal.retryAfterMillis()) {
                    refusal = new Refusal(bucket.limit(), wait);
                }
            }
            next.add(new long[] {since, level + 1});
        }
        if (refusal != null) {
            return Optional.of(refusal);
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

    /** Creates an empty bucket row; another node creating it at the same moment is fine. */
    private void ensureRow(String key, long now) {
        boolean exists = database.withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM rate_windows WHERE limit_key = :key")
                .bind("key", key).mapTo(Integer.class).one() > 0);
        if (exists) {
            return;
        }
        try {
            database.inTransaction(handle -> handle.createUpdate("INSERT INTO rate_windows"
                            + " (limit_key, window_started_at, hits) VALUES (:key, :now, 0)")
                    .bind("key", key).bind("now", now).execute());
        } catch (RuntimeException e) {
            // Lost the race to insert: the row exists now, which is all this method promises.
        }
    }
}
