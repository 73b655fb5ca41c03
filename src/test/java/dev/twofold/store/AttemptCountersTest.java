package dev.twofold.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AttemptCounters#admit} on a subject that has no row yet (the usual case, since a
 * success deletes it), alone and racing another connection, on H2 and PostgreSQL.
 */
class AttemptCountersTest {

    private static final Duration WINDOW = Duration.ofMinutes(15);
    private static final long NOW = 1_800_000_000_000L;

    private static TestServer server;
    private static Database database;
    private static AttemptCounters counters;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        database = server.server().services().database();
        counters = new AttemptCounters(database);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void admitWhenNoRowAndMaximumOneThenAdmittedAndLockedAndTheNextIsRefused() {
        String subject = subject("max-one");

        AttemptCounters.Admission first = admit(subject, NOW, 1);
        AttemptCounters.Admission second = admit(subject, NOW + 1, 1);

        long until = NOW + WINDOW.toMillis();
        assertThat(first).isEqualTo(new AttemptCounters.Admission(true, Optional.of(until),
                true));
        assertThat(second).isEqualTo(new AttemptCounters.Admission(false, Optional.of(until),
                false));
        assertThat(failures(subject)).contains(1);
        assertThat(counters.lockedUntil(subject, NOW + 1)).contains(until);
    }

    @Test
    void admitWhenNoRowThenOneCountedAndTheWindowStartsNow() {
        String subject = subject("first");

        AttemptCounters.Admission first = admit(subject, NOW, 3);

        assertThat(first).isEqualTo(new AttemptCounters.Admission(true, Optional.empty(),
                false));
        assertThat(failures(subject)).contains(1);
        assertThat(windowStartedAt(subject)).contains(NOW);
        assertThat(counters.lockedUntil(subject, NOW)).isEmpty();
    }

    @Test
    void admitWhenCountedAgainAfterTheFirstThenTheThirdOfThreeLocks() {
        String subject = subject("third");

        AttemptCounters.Admission first = admit(subject, NOW, 3);
        AttemptCounters.Admission second = admit(subject, NOW + 1, 3);
        AttemptCounters.Admission third = admit(subject, NOW + 2, 3);

        assertThat(first.lockStarted()).isFalse();
        assertThat(second.lockStarted()).isFalse();
        assertThat(third).isEqualTo(new AttemptCounters.Admission(true,
                Optional.of(NOW + 2 + WINDOW.toMillis()), true));
        assertThat(failures(subject)).contains(3);
    }

    @Test
    void admitWhenTwoConnectionsAdmitANewSubjectThenTheSecondWaitsAndCountsTwo()
            throws Exception {
        String subject = subject("race");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Handle first = database.jdbi().open()) {
            first.begin();
            AttemptCounters.Admission firstAdmission = counters.admit(first, subject, NOW,
                    WINDOW, 2);

            Future<AttemptCounters.Admission> secondAdmission = other.submit(() ->
                    database.inTransaction(handle -> counters.admit(handle, subject, NOW + 1,
                            WINDOW, 2)));
            Thread.sleep(500);
            boolean finishedBeforeCommit = secondAdmission.isDone();
            first.commit();

            assertThat(finishedBeforeCommit).as("the second admit waits for the first row")
                    .isFalse();
            assertThat(firstAdmission).isEqualTo(new AttemptCounters.Admission(true,
                    Optional.empty(), false));
            assertThat(secondAdmission.get(20, TimeUnit.SECONDS)).isEqualTo(
                    new AttemptCounters.Admission(true, Optional.of(NOW + 1 + WINDOW.toMillis()),
                            true));
            assertThat(failures(subject)).contains(2);
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void admitWhenTheOtherConnectionRollsBackThenOnlyTheSecondCounts() throws Exception {
        String subject = subject("rollback");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Handle first = database.jdbi().open()) {
            first.begin();
            counters.admit(first, subject, NOW, WINDOW, 2);

            Future<AttemptCounters.Admission> secondAdmission = other.submit(() ->
                    database.inTransaction(handle -> counters.admit(handle, subject, NOW + 1,
                            WINDOW, 2)));
            Thread.sleep(500);
            first.rollback();

            assertThat(secondAdmission.get(20, TimeUnit.SECONDS)).isEqualTo(
                    new AttemptCounters.Admission(true, Optional.empty(), false));
            assertThat(failures(subject)).contains(1);
            assertThat(windowStartedAt(subject)).contains(NOW + 1);
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void admitWhileAnotherConnectionClearsTheRowThenItCountsOneAfresh() throws Exception {
        String subject = subject("cleared");
        admit(subject, NOW, 3);
        admit(subject, NOW + 1, 3);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Handle success = database.jdbi().open()) {
            success.begin();
            counters.clear(success, subject);

            Future<AttemptCounters.Admission> admission = other.submit(() ->
                    database.inTransaction(handle -> counters.admit(handle, subject, NOW + 2,
                            WINDOW, 3)));
            Thread.sleep(500);
            success.commit();

            assertThat(admission.get(20, TimeUnit.SECONDS)).isEqualTo(
                    new AttemptCounters.Admission(true, Optional.empty(), false));
            assertThat(failures(subject)).contains(1);
            assertThat(windowStartedAt(subject)).contains(NOW + 2);
        } finally {
            other.shutdownNow();
        }
    }

    private static AttemptCounters.Admission admit(String subject, long now, int maxFailures) {
        return database.inTransaction(handle -> counters.admit(handle, subject, now, WINDOW,
                maxFailures));
    }

    private static Optional<Integer> failures(String subject) {
        return database.withHandle(handle -> handle.createQuery(
                        "SELECT failures FROM attempt_counters WHERE subject = :subject")
                .bind("subject", subject).mapTo(Integer.class).findOne());
    }

    private static Optional<Long> windowStartedAt(String subject) {
        return database.withHandle(handle -> handle.createQuery(
                        "SELECT window_started_at FROM attempt_counters WHERE subject = :subject")
                .bind("subject", subject).mapTo(Long.class).findOne());
    }

    private static String subject(String name) {
        return "test:" + name + "-" + System.nanoTime();
    }
}
