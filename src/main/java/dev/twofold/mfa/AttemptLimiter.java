package dev.twofold.mfa;

import dev.twofold.server.ProtocolError;
import dev.twofold.store.AttemptCounters;
import dev.twofold.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed second-factor verifications per user and per authenticator in the database,
 * so every node and every {@code mfa_token} share the count (BUG-08). Once a counter reaches
 * {@link MfaSettings#maxFailures()} within {@link MfaSettings#lockout()}, verification is
 * refused with 429 until the lock ends, even for a correct code (RFC 4226 §7.3). A success
 * clears both counters. Thread-safe.
 */
public final class AttemptLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptLimiter.class);

    private final Database database;
    private final AttemptCounters counters;
    private final Clock clock;
    private final MfaSettings settings;
    /** The subjects whose lock the current request's admitted attempt started. */
    private static final ThreadLocal<List<String>> LOCKS_STARTED_BY_THIS_ATTEMPT =
            new ThreadLocal<>();

    private volatile Consumer<String> lockListener = subject -> { };

    public AttemptLimiter(Database database, Clock clock, MfaSettings settings) {
        this.database = database;
        this.counters = new AttemptCounters(database);
        this.clock = clock;
        this.settings = settings;
    }

    /** Called with the subject ({@code user:…} or {@code authenticator:…}) when a lock starts. */
    public void onLock(Consumer<String> listener) {
        this.lockListener = listener;
    }

    /**
     * Throws 429 {@code too_many_attempts} when the user or the authenticator is locked;
     * counts nothing. For steps that send a code; verifications use {@link #admitted}.
     */
    public void requireNotLocked(String userId, Optional<String> authenticatorId) {
        long now = clock.millis();
        Optional<Long> until = subjects(userId, authenticatorId).stream()
                .map(subject -> lockedUntil(subject, now))
                .flatMap(Optional::stream)
                .max(Long::compare);
        if (until.isPresent()) {
            throw locked(Instant.ofEpochMilli(until.get()), now);
        }
    }

    /**
     * Runs {@code attempt} in one database transaction that first counts an attempt on the
     * user and the authenticator, before the code is checked, and throws 429
     * {@code too_many_attempts} when either is locked, or one of {@code alsoUnlocked} (other
     * authenticators the same code may prove; checked, not counted). Counting first means
     * that of any number of simultaneous guesses, on any nodes, at most the maximum are
     * checked; a success clears the counts ({@link #recordSuccess}, inside {@code attempt}), a
     * failure leaves them ({@link #recordFailure}, after the commit). The transaction holds
     * the counters' rows until it ends, so a concurrent attempt on the same user waits for
     * it; the count stays only if it commits (a refused attempt counts nowhere). A refusal
     * names the lock end that {@link #requireNotLocked} names for the user with the
     * authenticator, or else with the first locked of the others.
     */
    public <R> R admitted(String userId, Optional<String> authenticatorId,
                          List<String> alsoUnlocked, Function<Handle, R> attempt) {
        try {
            return database.inTransaction(handle -> {
                admit(handle, userId, authenticatorId, alsoUnlocked);
                return attempt.apply(handle);
            });
        } catch (RuntimeException refusedOrRolledBack) {
            LOCKS_STARTED_BY_THIS_ATTEMPT.remove();
            throw refusedOrRolledBack;
        }
    }

    private void admit(Handle handle, String userId, Optional<String> authenticatorId,
                       List<String> alsoUnlocked) {
        long now = clock.millis();
        List<String> started = new java.util.ArrayList<>();
        Optional<Long> refusedUntil = Optional.empty();
        for (String subject : subjects(userId, authenticatorId)) {
            AttemptCounters.Admission admission = counters.admit(handle, subject, now,
                    settings.lockout(), settings.maxFailures());
            if (!admission.admitted()) {
                // Read on, so that the refusal names the latest end (the counts roll back).
                refusedUntil = later(refusedUntil, admission.lockedUntil());
            } else if (admission.lockStarted()) {
                started.add(subject);
            }
        }
        for (String other : alsoUnlocked) {
            if (refusedUntil.isEmpty()) {
                refusedUntil = counters.lockedUntil(handle, authenticatorSubject(other), now);
            }
        }
        if (refusedUntil.isPresent()) {
            throw locked(Instant.ofEpochMilli(refusedUntil.get()), now);
        }
        LOCKS_STARTED_BY_THIS_ATTEMPT.set(started);
    }

    /**
     * The attempt admitted by {@link #admitted} failed: it was counted already, and a lock that
     * its count started is now reported. Without an admission (a caller that did not count
     * first) the failure is counted here, in its own transaction.
     */
    // Known gap: a concurrent double submit of a correct code also counts one failure.
    public void recordFailure(String userId, Optional<String> authenticatorId) {
        List<String> started = LOCKS_STARTED_BY_THIS_ATTEMPT.get();
        LOCKS_STARTED_BY_THIS_ATTEMPT.remove();
        if (started != null) {
            started.forEach(this::reportLock);
            return;
        }
        long now = clock.millis();
        database.inTransaction(handle -> {
            subjects(userId, authenticatorId).forEach(subject -> count(handle, subject, now));
            return null;
        });
    }

    /** Clears the counters (and a lock this attempt's count started) after a success. */
    public void recordSuccess(Handle handle, String userId, Optional<String> authenticatorId) {
        LOCKS_STARTED_BY_THIS_ATTEMPT.remove();
        // One statement per subject, in the order admit locks them: a single DELETE … IN
        // locks its rows in an order the database picks, and deadlocks with a concurrent admit.
        subjects(userId, authenticatorId).forEach(subject -> counters.clear(handle, subject));
    }

    private void reportLock(String subject) {
        LOG.warn("Second-factor verification locked for {} after {} failures", subject,
                settings.maxFailures());
        lockListener.accept(subject);
    }

    private static List<String> subjects(String userId, Optional<String> authenticatorId) {
        return authenticatorId.map(id -> List.of("user:" + userId, authenticatorSubject(id)))
                .orElse(List.of("user:" + userId));
    }

    private static String authenticatorSubject(String authenticatorId) {
        return "authenticator:" + authenticatorId;
    }

    private static Optional<Long> later(Optional<Long> one, Optional<Long> other) {
        return Stream.concat(one.stream(), other.stream()).max(Long::compare);
    }

    private Optional<Long> lockedUntil(String subject, long now) {
        return counters.lockedUntil(subject, now);
    }

    private void count(Handle handle, String subject, long now) {
        Optional<Long> until = counters.count(handle, subject, now, settings.lockout(),
                settings.maxFailures());
        if (until.isPresent()) {
            LOG.warn("Second-factor verification locked for {} until {} after {} failures",
                    subject, Instant.ofEpochMilli(until.get()), settings.maxFailures());
            lockListener.accept(subject);
        }
    }

    private static ProtocolError locked(Instant until, long now) {
        long seconds = Math.max(1, (until.toEpochMilli() - now + 999) / 1000);
        return ProtocolError.of(429, "too_many_attempts", "Too many failed second-factor"
                        + " verifications for this user: verification is locked until " + until
                        + ". Try again after that time; a correct code is refused until then.")
                .withHeader("Retry-After", Long.toString(seconds));
    }
}
