package dev.twofold.store;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keeps the rows that nearly every token request reads (clients, APIs, client grants) for a
 * short time, so that a grant does not pay a database round trip for each of them.
 *
 * <p>A write through this node's stores empties the cache at once ({@link #invalidate()}),
 * and a read that was under way during the write does not put its result in. Other nodes
 * see a change when their entry is older than the time to live ({@code
 * TWOFOLD_CONFIG_CACHE_TTL}, one second by default; zero turns the cache off). Only rows
 * that exist are kept, so a newly created client or API is found at once on every node.
 * Bounded in size; thread-safe.
 */
public final class ReadCache {

    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Object value, long loadedAt, long generation) {
    }

    private final long timeToLiveNanos;
    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    public ReadCache(Duration timeToLive) {
        this.timeToLiveNanos = timeToLive.toNanos();
    }

    /** The cached value under {@code key}, or what {@code loader} reads, kept when present. */
    @SuppressWarnings("unchecked")
    public <V> Optional<V> get(String key, Supplier<Optional<V>> loader) {
        if (timeToLiveNanos <= 0) {
            return loader.get();
        }
        long now = System.nanoTime();
        long current = generation.get();
        Entry entry = entries.get(key);
        if (entry != null && entry.generation() == current
                && now - entry.loadedAt() < timeToLiveNanos) {
            return Optional.of((V) entry.value());
        }
        Optional<V> loaded = loader.get();
        if (loaded.isPresent() && generation.get() == current) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(key, new Entry(loaded.get(), now, current));
        }
        return loaded;
    }

    /** Forgets everything; every store calls it when it writes, before and after commit. */
    public void invalidate() {
        generation.incrementAndGet();
        entries.clear();
    }
}
