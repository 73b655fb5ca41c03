package dev.twofold.mfa.totp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** BUG-13: one canonical RFC 3986 encoding of the Key URI label and issuer. */
class OtpAuthUriTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Example Co|alice@example.com|otpauth://totp/Example%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30",
            "Realm|john doe|otpauth://totp/Realm:john%20doe?secret=JBSWY3DPEHPK3PXP&issuer=Realm&algorithm=SHA1&digits=6&period=30",
            "Zürich Bank|jörg@example.com|otpauth://totp/Z%C3%BCrich%20Bank:j%C3%B6rg%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Z%C3%BCrich%20Bank&algorithm=SHA1&digits=6&period=30"})
    void ofWhenIssuerAndAccountThenExactlyTheCanonicalUri(String issuer, String account,
                                                          String expected) {
        assertThat(OtpAuthUri.of(issuer, account, "JBSWY3DPEHPK3PXP")).isEqualTo(expected);
    }
}
