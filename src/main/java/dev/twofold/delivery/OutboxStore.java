package dev.twofold.delivery;

import dev.twofold.crypto.Randoms;
import dev.twofold.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The development outbox ({@code dev_outbox}): every message a console sender printed, so that
 * tests and developers can read the code over {@code GET /dev/outbox}. Thread-safe.
 */
public final class OutboxStore {

    /** A message kept in the outbox. */
    public record Entry(Channel channel, String destination, String text, Instant sentAt) {
    }

    private static final int MAX_BODY = 2000;
    private static final int MAX_ANSWERED = 100;

    // Orders messages stored in the same millisecond (a frozen test clock) by arrival.
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Database database;

    public OutboxStore(Database database) {
        this.database = database;
    }

    /** Keeps a message; the destination is an E.164 number or an email address as sent. */
    public void add(Channel channel, String destination, String text, Instant sentAt) {
        String body = text.length() <= MAX_BODY ? text : text.substring(0, MAX_BODY);
        database.inTransaction(handle -> handle.createUpdate("INSERT INTO dev_outbox"
                        + " (id, channel, destination, body, sent_at)"
                        + " VALUES (:id, :channel, :destination, :body, :sentAt)")
                .bind("id", String.format("%013d-%09d-%s", sentAt.toEpochMilli(),
                        SEQUENCE.incrementAndGet() % 1_000_000_000, Randoms.urlSafe(6)))
                .bind("channel", channel.wireName())
                .bind("destination", destination)
                .bind("body", body)
                .bind("sentAt", sentAt.toEpochMilli())
                .execute());
    }

    /**
     * The latest messages sent to a destination, newest first. The destination is an E.164
     * number or a lower-case email address ({@link Destinations#key}); addresses match
     * whatever their case when sent.
     */
    public List<Entry> sentTo(String destination) {
        return database.withHandle(handle -> handle.createQuery("SELECT channel, destination,"
                        + " body, sent_at FROM dev_outbox"
                        + " WHERE LOWER(destination) = :destination"
                        + " ORDER BY sent_at DESC, id DESC LIMIT " + MAX_ANSWERED)
                .bind("destination", destination)
                .map((row, context) -> new Entry(
                        Channel.valueOf(row.getString("channel").toUpperCase(
                                java.util.Locale.ROOT)),
                        row.getString("destination"), row.getString("body"),
                        Instant.ofEpochMilli(row.getLong("sent_at"))))
                .list());
    }
}
