package dev.twofold.delivery;

import dev.twofold.server.ProtocolError;

/** The errors a sender answers when a provider fails: 503 {@code delivery_failed}. */
final class DeliveryFailures {

    private DeliveryFailures() {
    }

    /**
     * The provider did not take the message. The description names the channel and the cause
     * in general words (the provider's own answer goes to the log, not to the client).
     */
    static ProtocolError deliveryFailed(Channel channel, String cause) {
        return ProtocolError.of(503, "delivery_failed", "The " + label(channel) + " with the"
                        + " code could not be sent: " + cause + ". Ask for a new code in a"
                        + " moment (POST /mfa/challenge), or use another factor.")
                .withHeader("Retry-After", "30");
    }

    static String label(Channel channel) {
        return switch (channel) {
            case SMS -> "SMS";
            case VOICE -> "voice call";
            case EMAIL -> "email";
        };
    }
}
