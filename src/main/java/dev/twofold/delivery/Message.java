package dev.twofold.delivery;

import java.time.Duration;
import java.util.Locale;

/**
 * A one-time code to deliver. The sender renders it with the channel's template; the code
 * itself must never be logged.
 *
 * @param destination an E.164 phone number or an email address
 * @param code the one-time code, digits only
 * @param validity how long the code stays valid, for the text
 * @param locale the user's language, for the template
 * @param userId whose code it is, for limits and the audit log
 * @param clientIp the requesting client's IP address, for limits
 */
public record Message(
        Channel channel,
        String destination,
        String code,
        Duration validity,
        Locale locale,
        String userId,
        String clientIp) {

    @Override
    public String toString() {
        return "Message[" + channel + " to " + destination + ", code ****]";
    }
}
