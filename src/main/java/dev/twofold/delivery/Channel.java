package dev.twofold.delivery;

/** How a one-time code reaches the user. */
public enum Channel {
    SMS, VOICE, EMAIL;

    /** The Auth0 name of the channel: {@code sms}, {@code voice}, {@code email}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
