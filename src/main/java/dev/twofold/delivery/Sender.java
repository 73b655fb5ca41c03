package dev.twofold.delivery;

/**
 * Delivers one-time codes over one channel. Implementations: the console sender (development:
 * prints and keeps the message in the outbox), Twilio, a signed webhook, SMTP.
 */
public interface Sender {

    /**
     * Sends the message, or throws {@link dev.twofold.server.ProtocolError} (a 503-class
     * {@code delivery_failed}, or 429 for a sending limit) without having sent it.
     */
    void send(Message message);
}
