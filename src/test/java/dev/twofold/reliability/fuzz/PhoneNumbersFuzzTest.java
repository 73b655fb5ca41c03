package dev.twofold.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.twofold.delivery.PhoneNumbers;
import dev.twofold.server.ProtocolError;

/**
 * Phone number handling: any text is either refused with a 400 or becomes an E.164 number
 * that normalises to itself, whose region and country code can be read, and whose masked form
 * shows at most the last four digits of the subscriber number.
 */
class PhoneNumbersFuzzTest {

    private static final PhoneNumbers US = new PhoneNumbers("US");
    private static final PhoneNumbers DE = new PhoneNumbers("DE");

    @FuzzTest(maxDuration = "10m")
    void toE164(FuzzedDataProvider data) {
        PhoneNumbers numbers = data.consumeBoolean() ? US : DE;
        String raw = data.consumeRemainingAsString();
        String e164;
        try {
            e164 = numbers.toE164(raw);
        } catch (ProtocolError refused) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.description().length()).isLessThan(400);
            return;
        }
        assertThat(e164).matches("\\+[1-9][0-9]{1,14}");
        assertThat(numbers.toE164(e164)).isEqualTo(e164);
        assertThat(PhoneNumbers.regionOf(e164)).hasSize(2);
        int countryCode = PhoneNumbers.countryCodeOf(e164);
        assertThat(e164).startsWith("+" + countryCode);
        String masked = PhoneNumbers.mask(e164);
        String subscriber = e164.substring(1 + String.valueOf(countryCode).length());
        if (subscriber.length() > 4) {
            assertThat(masked).doesNotContain(subscriber);
        }
    }
}
