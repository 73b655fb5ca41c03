package dev.twofold.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.twofold.mfa.totp.OtpAuthUri;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The otpauth URI builder: for any issuer and account, the URI parses as an RFC 3986 URI
 * (java.net.URI, independently of Twofold), its label decodes back to {@code issuer:account},
 * and its query holds exactly the secret, issuer, algorithm, digits and period.
 */
class OtpAuthUriFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void uri(FuzzedDataProvider data) throws Exception {
        String issuer = wellFormed(data.consumeString(100));
        String account = wellFormed(data.consumeRemainingAsString());
        String secret = "JBSWY3DPEHPK3PXP";

        String uri = OtpAuthUri.of(issuer, account, secret);

        URI parsed = new URI(uri);
        assertThat(parsed.getScheme()).isEqualTo("otpauth");
        assertThat(parsed.getRawAuthority()).isEqualTo("totp");
        assertThat(parsed.getPath()).isEqualTo("/" + issuer + ":" + account);
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : parsed.getRawQuery().split("&")) {
            String[] parts = pair.split("=", 2);
            assertThat(query.put(parts[0], URLDecoder.decode(parts[1].replace("+", "%2B"),
                    StandardCharsets.UTF_8))).as("repeated " + parts[0]).isNull();
        }
        assertThat(query).containsOnlyKeys("secret", "issuer", "algorithm", "digits", "period");
        assertThat(query.get("secret")).isEqualTo(secret);
        assertThat(query.get("issuer")).isEqualTo(issuer);
    }

    /** The text as UTF-8 can carry it (lone surrogates become U+FFFD, as any encoder does). */
    private static String wellFormed(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
