package dev.twofold.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs {@code n} tasks on {@code n} real threads released together by one latch, so they hit
 * the server as close to simultaneously as the machine allows, and returns their results in
 * order. A task that throws fails the race.
 */
final class Race {

    private Race() {
    }

    /** How many racers a test uses: all of {@code full} on PostgreSQL, fewer on H2. */
    static int racers(int full, int onH2) {
        return dev.twofold.testing.TestServer.usesPostgres() ? full : onH2;
    }

    static <T> List<T> run(int n, IntFunction<T> task) {
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> racer = () -> {
                    ready.countDown();
                    go.await();
                    return task.apply(index);
                };
                futures.add(pool.submit(racer));
            }
            ready.await(30, TimeUnit.SECONDS);
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(120, TimeUnit.SECONDS));
            }
            return results;
        } catch (Exception e) {
            throw new AssertionError("A racer failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }
}
