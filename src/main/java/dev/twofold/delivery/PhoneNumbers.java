package dev.twofold.delivery;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.util.Locale;

/**
 * Phone numbers as Twofold stores and sends them: E.164 ({@code +15555550100}), parsed with
 * libphonenumber, with a default region for numbers written without a country code.
 *
 * <p>A number is accepted when libphonenumber calls it <em>possible</em> (right length for its
 * country), not only when it is <em>valid</em>: the fictional {@code +1 555 555 01xx} range used
 * in documentation and tests is possible but not valid. Immutable and thread-safe.
 */
public final class PhoneNumbers {

    /** The setting naming the region of numbers written without {@code +}: ISO 3166 code. */

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final int MAX_ECHO = 40;

    private final String defaultRegion;

    /** Numbers without a country code are read as numbers of {@code defaultRegion}. */
    public PhoneNumbers(String defaultRegion) {
        String region = defaultRegion.trim().toUpperCase(Locale.ROOT);
        if (!UTIL.getSupportedRegions().contains(region)) {
            throw new Settings.ConfigurationException(Setting.PHONE_DEFAULT_REGION.key()
                    + " must be a two-letter country code such as US or DE, got '" + defaultRegion + "'");
        }
        this.defaultRegion = region;
    }

    /** Reads the default region from {@code TWOFOLD_PHONE_DEFAULT_REGION} (default {@code US}). */
    public static PhoneNumbers from(Settings settings) {
        return new PhoneNumbers(settings.string(Setting.PHONE_DEFAULT_REGION));
    }

    /**
     * The number in E.164 form, or a 400 {@code invalid_request} naming what was received and
     * what is expected.
     */
    public String toE164(String raw) {
        if (raw == null || raw.isBlank()) {
            throw ProtocolError.invalidRequest("No phone number was sent; send one in E.164 form"
                    + " such as +15555550100 (+, country code, number).");
        }
        PhoneNumber number = parse(raw);
        String e164 = number == null ? null : UTIL.format(number, PhoneNumberFormat.E164);
        // libphonenumber calls some numbers possible that are longer than E.164's 15 digits, and
        // formats some national inputs (the fuzzer found 'x0001074' in DE) into a number it then
        // refuses: only a result that reads back as itself is a phone number.
        if (number == null || !UTIL.isPossibleNumber(number) || !isE164(e164)
                || number.hasExtension() || !readsBackAsItself(e164)) {
            throw ProtocolError.invalidRequest("The phone number '" + echo(raw) + "' is not a"
                    + " possible phone number; send it in E.164 form such as +15555550100"
                    + " (+, country code, number).");
        }
        return e164;
    }

    private boolean readsBackAsItself(String e164) {
        PhoneNumber again = parse(e164);
        return again != null && UTIL.isPossibleNumber(again)
                && e164.equals(UTIL.format(again, PhoneNumberFormat.E164));
    }

    /** Whether the text is already in E.164 form: +, country code, at most 15 digits. */
    public static boolean isE164(String value) {
        return value != null && value.matches("\\+[1-9][0-9]{6,14}");
    }

    /** Whether the text is a phone number this class accepts. */
    public boolean isPhoneNumber(String raw) {
        PhoneNumber number = raw == null ? null : parse(raw);
        return number != null && UTIL.isPossibleNumber(number);
    }

    /**
     * The ISO 3166 region of an E.164 number, {@code ZZ} when it has none (e.g. +800). For a
     * possible but not valid number, the main region of its country code (+1 gives US).
     */
    public static String regionOf(String e164) {
        PhoneNumber number = parseE164(e164);
        String region = UTIL.getRegionCodeForNumber(number);
        if (region == null) {
            region = UTIL.getRegionCodeForCountryCode(number.getCountryCode());
        }
        // libphonenumber names non-geographic codes (+800, +870, …) "001", the UN's "World".
        return region == null || region.equals("001") ? "ZZ" : region;
    }

    /** The country calling code of an E.164 number, such as {@code 1} or {@code 49}. */
    public static int countryCodeOf(String e164) {
        return parseE164(e164).getCountryCode();
    }

    /**
     * A number safe to log or show: the country code and the last four digits,
     * {@code +1 ••• ••• 0100}.
     */
    public static String mask(String e164) {
        String digits = e164.replaceAll("[^0-9]", "");
        String last4 = digits.length() > 4 ? digits.substring(digits.length() - 4) : "";
        String prefix;
        try {
            prefix = "+" + UTIL.parse("+" + digits, "ZZ").getCountryCode() + " ";
        } catch (NumberParseException e) {
            prefix = "+";
        }
        return prefix + "••• ••• " + last4;
    }

    private PhoneNumber parse(String raw) {
        try {
            return UTIL.parse(raw.strip(), defaultRegion);
        } catch (NumberParseException e) {
            return null;
        }
    }

    private static PhoneNumber parseE164(String e164) {
        try {
            return UTIL.parse(e164, "ZZ");
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("Not an E.164 number: " + mask(e164), e);
        }
    }

    private static String echo(String raw) {
        String printable = raw.strip().replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= MAX_ECHO ? printable
                : printable.substring(0, MAX_ECHO) + "…";
    }
}
