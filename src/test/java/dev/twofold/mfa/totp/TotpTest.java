package dev.twofold.mfa.totp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6238 Appendix B test vectors, and BUG-15's six-digit table. */
class TotpTest {

    private static final byte[] SHA1_SEED = ascii("12345678901234567890");
    private static final byte[] SHA256_SEED = ascii("12345678901234567890123456789012");
    private static final byte[] SHA512_SEED =
            ascii("1234567890123456789012345678901234567890123456789012345678901234");

    @Nested
    class Rfc6238AppendixB {

        @ParameterizedTest
        @CsvSource({
                "59, 94287082, 46119246, 90693936",
                "1111111109, 07081804, 68084774, 25091201",
                "1111111111, 14050471, 67062674, 99943326",
                "1234567890, 89005924, 91819424, 93441116",
                "2000000000, 69279037, 90698825, 38618901",
                "20000000000, 65353130, 77737706, 47863826"})
        void codeWhenEightDigitsThenMatchesTheRfcVector(long time, String sha1, String sha256,
                                                        String sha512) {
            Instant at = Instant.ofEpochSecond(time);

            assertThat(totp("HmacSHA1", 8).code(SHA1_SEED, at)).isEqualTo(sha1);
            assertThat(totp("HmacSHA256", 8).code(SHA256_SEED, at)).isEqualTo(sha256);
            assertThat(totp("HmacSHA512", 8).code(SHA512_SEED, at)).isEqualTo(sha512);
        }
    }

    @Nested
    class Bug15SixDigits {

        @ParameterizedTest
        @CsvSource({"59, 287082", "1111111109, 081804", "1234567890, 005924",
                "2000000000, 279037"})
        void codeWhenSixDigitsThenKeepsLeadingZeros(long time, String expected) {
            byte[] key = Base32.decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

            assertThat(Totp.DEFAULT.code(key, Instant.ofEpochSecond(time))).isEqualTo(expected);
        }

        @ParameterizedTest
        @CsvSource({"1111111109, 081804", "1234567890, 005924"})
        void verifyWhenZeroPaddedThenAcceptedAndWithoutZeroThenRefused(long time, String code) {
            byte[] key = Base32.decode("gezdgnbvgy3tqojqgezdgnbvgy3tqojq");
            Instant at = Instant.ofEpochSecond(time);

            assertThat(TotpVerifier.DEFAULT.matchingStep(key, code, at)).isPresent();
            assertThat(TotpVerifier.DEFAULT.matchingStep(key, code.substring(1), at)).isEmpty();
            assertThat(TotpVerifier.DEFAULT.matchingStep(key, code.replaceFirst("^0+", ""), at))
                    .isEmpty();
        }
    }

    @Nested
    class DriftWindow {

        @ParameterizedTest
        @CsvSource({"-2, false", "-1, true", "0, true", "1, true", "2, false"})
        void verifyWhenCodeIsStepsAwayThenOnlyOneStepEitherWayMatches(int offset,
                                                                      boolean accepted) {
            Instant now = Instant.ofEpochSecond(1_700_000_010L);
            String code = Totp.DEFAULT.code(SHA1_SEED, now.plusSeconds(30L * offset));

            assertThat(TotpVerifier.DEFAULT.matchingStep(SHA1_SEED, code, now).isPresent())
                    .isEqualTo(accepted);
        }
    }

    private static Totp totp(String algorithm, int digits) {
        return new Totp(algorithm, digits, Duration.ofSeconds(30));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
