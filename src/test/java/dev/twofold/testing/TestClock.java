package dev.twofold.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that follows real time plus an offset the test can move. Thread-safe. */
public final class TestClock extends Clock {

    private final AtomicLong offsetMillis = new AtomicLong();
    private volatile Long frozenAt;

    /** Moves the clock forward (or back, with a negative duration). */
    public void advance(Duration duration) {
        offsetMillis.addAndGet(duration.toMillis());
    }

    /** Stops the clock at the given instant until {@link #unfreeze()}. */
    public void freezeAt(Instant instant) {
        frozenAt = instant.toEpochMilli();
    }

    public void unfreeze() {
        frozenAt = null;
    }

    @Override
    public long millis() {
        Long frozen = frozenAt;
        return frozen != null ? frozen : System.currentTimeMillis() + offsetMillis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
