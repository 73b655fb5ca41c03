package dev.twofold.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The MFA API bodies and the MFA token reader, fuzzed through a real node: any body sent to
 * /mfa/associate and /mfa/challenge, and any mfa_token or bearer token, is answered with a
 * JSON body and never a 5xx.
 */
class MfaHttpFuzzTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static TestServer server;
    private static String mfaToken;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("TWOFOLD_MFA_MAX_FAILURES", "1000000",
                "TWOFOLD_PHONE_LIMIT_PER_USER", "off", "TWOFOLD_PHONE_LIMIT_PER_DESTINATION",
                "off", "TWOFOLD_PHONE_LIMIT_PER_IP", "off", "TWOFOLD_EMAIL_LIMIT_PER_USER",
                "off", "TWOFOLD_EMAIL_LIMIT_PER_DESTINATION", "off",
                "TWOFOLD_EMAIL_LIMIT_PER_IP", "off"));
        server.fixtures().confidentialClient();
        server.fixtures().alice();
        Http.Answer login = server.http().postForm("/oauth/token", Map.of("grant_type",
                "password", "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret",
                "acr_values", "http://schemas.openid.net/pape/policies/2007/06/multi-factor"));
        mfaToken = login.text("mfa_token");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @FuzzTest(maxDuration = "10m")
    void associate(FuzzedDataProvider data) {
        String bearer = data.consumeBoolean() && mfaToken != null ? mfaToken
                : data.consumeString(200);
        Http.Answer answer = server.http().raw("POST", "/mfa/associate", contentType(data),
                data.consumeRemainingAsString(), "Authorization", "Bearer " + clean(bearer));
        assertJsonBelow500(answer);
    }

    @FuzzTest(maxDuration = "10m")
    void challenge(FuzzedDataProvider data) {
        Http.Answer answer = server.http().raw("POST", "/mfa/challenge", contentType(data),
                data.consumeRemainingAsString());
        assertJsonBelow500(answer);
    }

    @FuzzTest(maxDuration = "10m")
    void mfaTokenReader(FuzzedDataProvider data) {
        String token = data.consumeString(2_000);
        Http.Answer grant = server.http().postForm("/oauth/token", Map.of("grant_type",
                Fixtures.MFA_OTP, "client_id", "c1", "client_secret", "s1-secret",
                "mfa_token", token, "otp", "123456"));
        assertJsonBelow500(grant);
        assertThat(grant.status()).isEqualTo(400);
        Http.Answer list = server.http().get("/mfa/authenticators", clean(
                data.consumeRemainingAsString()));
        assertJsonBelow500(list);
    }

    private static String contentType(FuzzedDataProvider data) {
        return data.pickValue(new String[] {"application/json",
            "application/x-www-form-urlencoded", "application/json; charset=utf-8", "text/plain"});
    }

    /** The JDK client refuses control characters in header values; the socket corpus covers them. */
    private static String clean(String value) {
        StringBuilder out = new StringBuilder();
        value.chars().filter(c -> c >= 0x21 && c < 0x7F).forEach(c -> out.append((char) c));
        return out.isEmpty() ? "x" : out.toString();
    }

    private static void assertJsonBelow500(Http.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isBetween(200, 499);
        try {
            JsonNode body = MAPPER.readTree(answer.body());
            if (answer.status() >= 400) {
                assertThat(body.path("error").isTextual()).as(answer.body()).isTrue();
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("Not JSON: " + answer.body(), e);
        }
    }
}
