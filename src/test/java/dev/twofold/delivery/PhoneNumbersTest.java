package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofold.server.ProtocolError;
import dev.twofold.server.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

    private final PhoneNumbers us = new PhoneNumbers("US");

    @ParameterizedTest
    @ValueSource(strings = {"+15555550100", "+1 (555) 555-0100", "(555) 555-0100",
        "555.555.0100", " +1-555-555-0100 "})
    void toE164WhenWrittenAnyUsualWayThenTheSameE164(String written) {
        assertThat(us.toE164(written)).isEqualTo("+15555550100");
    }

    @Test
    void toE164WhenGermanNumberWithoutPlusAndGermanDefaultThenE164() {
        PhoneNumbers germany = PhoneNumbers.from(Settings.of(Settings.Mode.DEV,
                Map.of("TWOFOLD_PHONE_DEFAULT_REGION", "de")));

        assertThat(germany.toE164("030 123456789")).isEqualTo("+4930123456789");
    }

    @ParameterizedTest
    @ValueSource(strings = {"12", "+1555", "not a number", "+999 1234 5678", "+1555555010000000"})
    void toE164WhenImpossibleThenInvalidRequestNamingInputAndE164(String written) {
        assertThatThrownBy(() -> us.toE164(written))
                .isInstanceOfSatisfying(ProtocolError.class, error -> {
                    assertThat(error.status()).isEqualTo(400);
                    assertThat(error.error()).isEqualTo("invalid_request");
                    assertThat(error.description()).contains("'" + written.strip() + "'")
                            .contains("E.164").contains("+15555550100");
                });
    }

    @Test
    void toE164WhenMissingThenInvalidRequestAskingForANumber() {
        assertThatThrownBy(() -> us.toE164(" "))
                .isInstanceOfSatisfying(ProtocolError.class, error ->
                        assertThat(error.description()).contains("No phone number"));
    }

    @Test
    void maskWhenUsNumberThenCountryCodeAndLastFourDigits() {
        assertThat(PhoneNumbers.mask("+15555550100")).isEqualTo("+1 ••• ••• 0100");
    }

    @Test
    void maskWhenGermanNumberThenTwoDigitCountryCode() {
        assertThat(PhoneNumbers.mask("+4930123456789")).isEqualTo("+49 ••• ••• 6789");
    }

    @Test
    void regionOfWhenUkNumberThenGb() {
        assertThat(PhoneNumbers.regionOf("+447700900123")).isEqualTo("GB");
        assertThat(PhoneNumbers.countryCodeOf("+447700900123")).isEqualTo(44);
    }

    @Test
    void constructorWhenRegionUnknownThenConfigurationErrorNamingSetting() {
        assertThatThrownBy(() -> new PhoneNumbers("XX"))
                .isInstanceOf(Settings.ConfigurationException.class)
                .hasMessageContaining("TWOFOLD_PHONE_DEFAULT_REGION");
    }

    @Test
    void toE164WhenResultWouldNotReadBackThenRefused() {
        // Found by the fuzzer: libphonenumber made '+4900107' of it, then refused that number.
        PhoneNumbers german = new PhoneNumbers("DE");

        assertThatThrownBy(() -> german.toE164("x0001074"))
                .isInstanceOf(ProtocolError.class)
                .hasMessageContaining("not a possible phone number");
    }

    @Test
    void toE164WhenNumberHasExtensionThenRefused() {
        PhoneNumbers american = new PhoneNumbers("US");

        assertThatThrownBy(() -> american.toE164("+1 555 555 0100 ext. 12"))
                .isInstanceOf(ProtocolError.class);
        assertThat(american.toE164("+1 555 555 0100")).isEqualTo("+15555550100");
    }

    @Test
    void regionOfWhenNonGeographicNumberThenZz() {
        // Found by the fuzzer: +800 (international freephone) came back as "001".
        String freephone = new PhoneNumbers("DE").toE164("+800 1234 5678");

        assertThat(PhoneNumbers.regionOf(freephone)).isEqualTo("ZZ");
    }
}
