package dev.twofold.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Failure counters in the {@code attempt_counters} table, shared by every node: a subject
 * (a string naming what is counted, such as {@code user:…}) collects failures in a fixed
 * window; the failure that reaches the maximum locks the subject for the window's length.
 * The rows live in the database, so a lock holds on every node. Thread-safe.
 */
public final class AttemptCounters {

    private final Database database;

    public AttemptCounters(Database database) {
        this.database = database;
    }

    /** When the subject's current lock ends (epoch milliseconds), if it is locked at now. */
    public Optional<Long> lockedUntil(String subject, long now) {
        return database.withHandle(handle -> lockedUntil(handle, subject, now));
    }

    /** {@link #lockedUntil(String, long)} on the caller's handle. */
    public Optional<Long> lockedUntil(Handle handle, String subject, long now) {
        return handle.createQuery("SELECT locked_until FROM attempt_counters"
                        + " WHERE subject = :subject AND locked_until > :now")
                .bind("subject", subject).bind("now", now).mapTo(Long.class).findOne();
    }

    /**
     * Counts one failure. Returns the end of the lock when this failure started one: exactly
     * one caller sees it, however many count at once.
     */
    // Known gap: a fixed window, not a bucket that refills one attempt at a time.
    public Optional<Long> count(Handle handle, String subject, long now, Duration window,
                                int maxFailures) {
        long windowStart = now - window.toMillis();
        handle.createUpdate("INSERT INTO attempt_counters (subject, failures, window_started_at)"
                        + " VALUES (:subject, 0, :now) ON CONFLICT DO NOTHING")
                .bind("subject", subject).bind("now", now).execute();
        // A window that has run out, or a lock that has ended, starts counting afresh.
        handle.createUpdate("UPDATE attempt_counters SET"
                        + " failures = CASE WHEN window_started_at < :windowStart"
                        + " OR locked_until <= :now THEN 1 ELSE failures + 1 END,"
                        + " window_started_at = CASE WHEN window_started_at < :windowStart"
                        + " OR locked_until <= :now THEN :now ELSE window_started_at END,"
                        + " locked_until = CASE WHEN locked_until <= :now THEN NULL"
                        + " ELSE locked_until END"
                        + " WHERE subject = :subject")
                .bind("windowStart", windowStart).bind("now", now).bind("subject", subject)
                .execute();
        int failures = handle.createQuery(
                        "SELECT failures FROM attempt_counters WHERE subject = :subject")
                .bind("subject", subject).mapTo(Integer.class).one();
        if (failures < maxFailures) {
            return Optional.empty();
        }
        long until = now + window.toMillis();
        int changed = handle.createUpdate("UPDATE attempt_counters SET locked_until = :until"
                        + " WHERE subject = :subject AND locked_until IS NULL")
                .bind("until", until).bind("subject", subject).execute();
        return changed == 1 ? Optional.of(until) : Optional.empty();
    }

    /**
     * The outcome of {@link #admit}: whether the attempt may be verified, when the lock that
     * refused it ends, and whether this attempt's count started a lock.
     */
    public record Admission(boolean admitted, Optional<Long> lockedUntil, boolean lockStarted) {
    }

    /**
     * Counts an attempt before it is verified, under the subject's row lock, so that of many
     * simultaneous attempts at most the maximum are verified, on every node (a success clears
     * the count afterwards). Refused, and not counted, while the subject is locked; the
     * attempt that reaches the maximum is admitted and starts the lock itself.
     *
     * <p>A subject without a row (the usual case: a success deletes it) is counted by its
     * insert alone. A concurrent insert of the same subject waits for this transaction (on
     * PostgreSQL and on H2); after a commit it meets the row and counts on top of this attempt
     * under the row lock, after a rollback it inserts its own.
     */
    public Admission admit(Handle handle, String subject, long now, Duration window,
                           int maxFailures) {
        Long lockedIfFirst = maxFailures <= 1 ? now + window.toMillis() : null;
        for (int attempt = 0; ; attempt++) {
            int inserted = handle.createUpdate("INSERT INTO attempt_counters (subject, failures,"
                            + " window_started_at, locked_until) VALUES (:subject, 1, :now,"
                            + " :locked) ON CONFLICT DO NOTHING")
                    .bind("subject", subject).bind("now", now).bind("locked", lockedIfFirst)
                    .execute();
            if (inserted == 1) {
                return new Admission(true, Optional.ofNullable(lockedIfFirst),
                        lockedIfFirst != null);
            }
            Optional<Counter> counter = lockedRow(handle, subject);
            if (counter.isPresent()) {
                return admit(handle, subject, counter.get(), now, window, maxFailures);
            }
            // A success on another connection deleted the row after the insert met it.
            if (attempt == 10) {
                throw new IllegalStateException(
                        "Attempt counter " + subject + " vanished ten times in a row");
            }
        }
    }

    /** Counts an attempt on the subject's existing row, locked by this transaction. */
    private static Admission admit(Handle handle, String subject, Counter counter, long now,
                                   Duration window, int maxFailures) {
        if (counter.lockedUntil() != null && counter.lockedUntil() > now) {
            return new Admission(false, Optional.of(counter.lockedUntil()), false);
        }
        boolean fresh = counter.windowStartedAt() < now - window.toMillis()
                || counter.lockedUntil() != null;
        int failures = (fresh ? 0 : counter.failures()) + 1;
        Long lockedUntil = failures >= maxFailures ? now + window.toMillis() : null;
        handle.createUpdate("UPDATE attempt_counters SET failures = :failures,"
                        + " window_started_at = :started, locked_until = :locked"
                        + " WHERE subject = :subject")
                .bind("failures", failures)
                .bind("started", fresh ? now : counter.windowStartedAt())
                .bind("locked", lockedUntil).bind("subject", subject).execute();
        return new Admission(true, Optional.ofNullable(lockedUntil), lockedUntil != null);
    }

    private record Counter(int failures, long windowStartedAt, Long lockedUntil) {
    }

    /** The subject's row, locked for this transaction; empty when there is none. */
    private static Optional<Counter> lockedRow(Handle handle, String subject) {
        return handle.createQuery("SELECT failures, window_started_at, locked_until"
                        + " FROM attempt_counters WHERE subject = :subject FOR UPDATE")
                .bind("subject", subject)
                .map((row, context) -> new Counter(row.getInt("failures"),
                        row.getLong("window_started_at"),
                        (Long) row.getObject("locked_until", Long.class)))
                .findOne();
    }

    /** Forgets a subject's failures and lock. */
    public void clear(Handle handle, String subject) {
        handle.createUpdate("DELETE FROM attempt_counters WHERE subject = :subject")
                .bind("subject", subject).execute();
    }

    /** The subjects starting with the prefix that are locked at now. */
    public List<String> lockedWithPrefix(String prefix, long now) {
        requireNoWildcards(prefix);
        return database.withHandle(handle -> handle.createQuery(
                        "SELECT subject FROM attempt_counters WHERE subject LIKE :pattern"
                                + " AND locked_until > :now ORDER BY subject")
                .bind("pattern", prefix + "%").bind("now", now).mapTo(String.class).list());
    }

    /** Forgets every subject that starts with the prefix (all IPs of one login name). */
    public int clearPrefix(Handle handle, String prefix) {
        requireNoWildcards(prefix);
        return handle.createUpdate("DELETE FROM attempt_counters WHERE subject LIKE :pattern")
                .bind("pattern", prefix + "%").execute();
    }

    private static void requireNoWildcards(String prefix) {
        if (prefix.contains("%") || prefix.contains("_")) {
            throw new IllegalArgumentException("LIKE wildcards in a counter prefix: " + prefix);
        }
    }
}
