package dev.twofold.delivery;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.Locale;

/** Masking of destinations (phone numbers and email addresses) for logs and answers. */
public final class Destinations {

    private Destinations() {
    }

    /** {@code +1 ••• ••• 0100} for a phone number, {@code a•••@example.com} for an email. */
    public static String mask(String destination) {
        if (destination == null || destination.isBlank()) {
            return "(none)";
        }
        return isEmail(destination) ? maskEmail(destination) : PhoneNumbers.mask(destination);
    }

    /** The first character of the local part and the whole domain: {@code a•••@example.com}. */
    public static String maskEmail(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return "•••";
        }
        return email.substring(0, email.offsetByCodePoints(0, 1)) + "•••" + email.substring(at);
    }

    /** Whether the text is one syntactically valid address (RFC 5322 addr-spec, no name). */
    public static boolean isValidEmail(String email) {
        if (email == null || email.isBlank() || email.length() > 320 || !isEmail(email)) {
            return false;
        }
        try {
            InternetAddress address = new InternetAddress(email.strip(), true);
            return address.getPersonal() == null && email.strip().equals(address.getAddress());
        } catch (AddressException e) {
            return false;
        }
    }

    /** Whether the destination is an email address rather than a phone number. */
    public static boolean isEmail(String destination) {
        return destination.indexOf('@') > 0;
    }

    /** The form under which the outbox and the limits know a destination. */
    public static String key(String destination) {
        return isEmail(destination) ? normalizeEmail(destination) : destination.strip();
    }

    /**
     * An email address as the outbox and the limits key it: trimmed, lower case. Mailbox names
     * are case-sensitive in theory (RFC 5321 §2.4) but not in any provider users meet.
     */
    public static String normalizeEmail(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}
