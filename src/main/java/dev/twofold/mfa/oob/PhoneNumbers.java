package dev.twofold.mfa.oob;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.twofold.server.ProtocolError;

/**
 * Phone numbers of SMS and voice enrollments: parsed with libphonenumber, kept in E.164, and
 * masked for display. Stateless.
 */
// Known gap: duplicates delivery's PhoneNumbers, written before it landed; switch to it.
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /** The E.164 form of an international number, or 400 naming the expected format. */
    public static String e164(String input) {
        try {
            PhoneNumber number = UTIL.parse(input.trim(), "ZZ");
            if (!UTIL.isPossibleNumber(number)) {
                throw notAPhoneNumber();
            }
            return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            throw notAPhoneNumber();
        }
    }

    /** The number with all but its last four digits hidden, e.g. {@code XXXXXXXX0100}. */
    public static String masked(String e164) {
        int keep = Math.min(4, e164.length());
        return "X".repeat(e164.length() - keep) + e164.substring(e164.length() - keep);
    }

    private static ProtocolError notAPhoneNumber() {
        return ProtocolError.invalidRequest("phone_number is not a valid international phone"
                + " number. Send it in E.164 form with the country code, e.g. +15555550100.");
    }
}
