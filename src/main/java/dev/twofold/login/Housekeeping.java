package dev.twofold.login;

import dev.twofold.oauth.authorize.PendingAuthorizationStore;
import dev.twofold.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what the hosted pages leave behind once it can no longer be used: expired pending
 * requests, authorization codes a day past expiry, sessions a day past expiry or revocation.
 * Runs hourly on every node; the deletes are idempotent. Thread-safe.
 */
final class Housekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private static final Duration INTERVAL = Duration.ofHours(1);
    // Kept a day after expiry so a replayed code is still recognised as a replay.
    private static final Duration GRACE = Duration.ofDays(1);

    private final Database database;
    private final Clock clock;
    private final PendingAuthorizationStore pendingRequests;
    private ScheduledExecutorService scheduler;

    Housekeeping(Database database, Clock clock, PendingAuthorizationStore pendingRequests) {
        this.database = database;
        this.clock = clock;
        this.pendingRequests = pendingRequests;
    }

    synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("login-housekeeping").factory());
        scheduler.scheduleWithFixedDelay(this::runSafely, INTERVAL.toMinutes(),
                INTERVAL.toMinutes(), TimeUnit.MINUTES);
    }

    synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void runSafely() {
        try {
            run();
        } catch (RuntimeException e) {
            LOG.error("Housekeeping of the hosted login failed; it retries in an hour", e);
        }
    }

    /** One pass; returns how many rows were deleted. */
    int run() {
        long before = clock.millis() - GRACE.toMillis();
        int requests = pendingRequests.purgeExpired();
        int rest = database.inTransaction(handle -> handle.createUpdate(
                "DELETE FROM authorization_codes WHERE expires_at < :before")
                .bind("before", before).execute()
                + handle.createUpdate("DELETE FROM browser_sessions WHERE expires_at < :before"
                        + " OR revoked_at < :before").bind("before", before).execute());
        return requests + rest;
    }
}
