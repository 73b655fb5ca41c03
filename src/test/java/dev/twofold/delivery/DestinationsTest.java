package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DestinationsTest {

    @Test
    void maskWhenEmailThenFirstLetterAndDomain() {
        assertThat(Destinations.mask("alice@example.com")).isEqualTo("a•••@example.com");
    }

    @Test
    void maskWhenPhoneThenCountryCodeAndLastFour() {
        assertThat(Destinations.mask("+15555550100")).isEqualTo("+1 ••• ••• 0100");
    }

    @Test
    void maskWhenEmailThenTheLocalPartIsNotShown() {
        assertThat(Destinations.mask("secretname@example.com")).doesNotContain("secretname");
    }

    @Test
    void isValidEmailWhenNameOrGarbageThenFalse() {
        assertThat(Destinations.isValidEmail("alice@example.com")).isTrue();
        assertThat(Destinations.isValidEmail("Alice <alice@example.com>")).isFalse();
        assertThat(Destinations.isValidEmail("alice@")).isFalse();
        assertThat(Destinations.isValidEmail("@example.com")).isFalse();
    }

    @Test
    void keyWhenEmailInMixedCaseThenLowerCase() {
        assertThat(Destinations.key(" Alice@Example.COM")).isEqualTo("alice@example.com");
    }
}
