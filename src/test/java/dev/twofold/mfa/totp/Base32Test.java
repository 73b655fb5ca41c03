package dev.twofold.mfa.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 4648 §10 test vectors, without padding as authenticator apps write base32. */
class Base32Test {

    @ParameterizedTest
    @CsvSource({"f, MY", "fo, MZXQ", "foo, MZXW6", "foob, MZXW6YQ", "fooba, MZXW6YTB",
            "foobar, MZXW6YTBOI"})
    void encodeWhenRfcVectorThenUnpaddedUpperCase(String plain, String encoded) {
        assertThat(Base32.encode(plain.getBytes(StandardCharsets.US_ASCII))).isEqualTo(encoded);
    }

    @ParameterizedTest
    @CsvSource({"MZXW6YTBOI, foobar", "MZXW6YTBOI======, foobar", "mzxw6ytboi, foobar",
            "MZXW 6YTB OI, foobar"})
    void decodeWhenPaddedLowerOrSpacedThenSameBytes(String encoded, String plain) {
        assertThat(new String(Base32.decode(encoded), StandardCharsets.US_ASCII))
                .isEqualTo(plain);
    }

    @org.junit.jupiter.api.Test
    void decodeWhenOutsideAlphabetThenRefused() {
        assertThatThrownBy(() -> Base32.decode("MZXW1")).isInstanceOf(
                IllegalArgumentException.class);
    }
}
