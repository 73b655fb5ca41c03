package dev.twofold.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit entries off the request path: requests hand their entries to a queue, and one
 * background thread stores whatever has gathered in one transaction, so that under load many
 * entries share one commit instead of each request paying for its own.
 *
 * <p>Nothing waits on a timer: an entry is written as soon as the writer is free, so at low
 * load it reaches the database within a millisecond or two. A full queue makes the caller
 * write its entry itself, so entries are slowed down, never dropped. {@link #flush()} waits
 * until everything handed over before it is stored, for readers of the log on this node.
 * Thread-safe.
 */
final class AuditWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    private static final int QUEUE_CAPACITY = 8192;
    private static final int BATCH = 512;
    private static final long FLUSH_WAIT_MILLIS = 5000;

    private final BlockingQueue<AuditEntry> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Consumer<List<AuditEntry>> store;
    private final Thread thread;
    private final Object progress = new Object();
    private long handedOver;
    private long done;
    private volatile boolean closing;

    /** @param store writes a batch of entries in one transaction; may throw */
    AuditWriter(Consumer<List<AuditEntry>> store) {
        this.store = store;
        this.thread = Thread.ofPlatform().name("audit-writer").daemon(true).start(this::run);
    }

    /** Hands an entry over; writes it in the caller's thread when the queue is full. */
    void submit(AuditEntry entry) {
        synchronized (progress) {
            if (closing || !queue.offer(entry)) {
                handedOver++;
                done++;
                storeNow(List.of(entry));
                return;
            }
            handedOver++;
        }
    }

    /** Waits (a few seconds at most) until every entry handed over so far is stored. */
    void flush() {
        synchronized (progress) {
            long target = handedOver;
            long deadline = System.currentTimeMillis() + FLUSH_WAIT_MILLIS;
            while (done < target) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return;
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void run() {
        List<AuditEntry> batch = new ArrayList<>(BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                AuditEntry first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                storeNow(batch);
                markDone(batch.size());
                batch.clear();
            } catch (InterruptedException e) {
                closing = true;
            }
        }
    }

    private void storeNow(List<AuditEntry> entries) {
        try {
            store.accept(entries);
        } catch (RuntimeException e) {
            LOG.error("{} audit entries could not be stored (first {})", entries.size(),
                    entries.getFirst().logId(), e);
        }
    }

    private void markDone(int count) {
        synchronized (progress) {
            done += count;
            progress.notifyAll();
        }
    }

    /** Stores what is queued, then stops the writer thread. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(FLUSH_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
