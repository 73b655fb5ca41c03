package dev.twofold.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.io.BaseEncoding;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The requests of CASES.md against a test node, as a black-box client: LOGIN(), the MFA API,
 * the three MFA grants, and the development outbox where the console sender keeps codes.
 * TOTP codes are computed here independently of the server (javax.crypto.Mac directly).
 */
public final class MfaApi {

    public static final String PASSWORD = "Correct-Horse-9";
    public static final String ACR_MFA =
            "http://schemas.openid.net/pape/policies/2007/06/multi-factor";
    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    private final TestServer server;
    private final Http http;

    public MfaApi(TestServer server) {
        this.server = server;
        this.http = server.http();
    }

    /** Starts a node with client c1, public client spa, and MFA policy "always". */
    public static TestServer startServer() {
        return startServer(Map.of());
    }

    /** The same, with extra {@code TWOFOLD_*} settings. */
    public static TestServer startServer(Map<String, String> settings) {
        TestServer server = TestServer.start(settings);
        server.fixtures().confidentialClient();
        server.fixtures().publicClient();
        server.fixtures().mfaPolicy("all-applications");
        return server;
    }

    public Http http() {
        return http;
    }

    /** A fresh user with the fixture password; returns the email. */
    public String newUser(String prefix) {
        String email = prefix + "-" + System.nanoTime() + "@example.com";
        server.fixtures().user(email, PASSWORD);
        return email;
    }

    /** Freezes the node's clock 10 s into the current TOTP step. */
    public Instant freezeMidStep() {
        long step = Instant.now().getEpochSecond() / 30;
        Instant at = Instant.ofEpochSecond(step * 30 + 10);
        server.clock().freezeAt(at);
        return at;
    }

    /** LOGIN() of CASES.md for the given user, as a form body. */
    public Http.Answer login(String email, Map<String, String> extra) {
        Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "password",
                "username", email, "password", PASSWORD, "client_id", "c1",
                "client_secret", "s1-secret", "scope", "openid offline_access"));
        form.putAll(extra);
        return http.postForm("/oauth/token", form);
    }

    /**
     * LOGIN() answered by mfa_required; returns the mfa_token. Asks for the multi-factor
     * acr_values, so it works under any tenant policy.
     */
    public String mfaToken(String email) {
        Http.Answer answer = login(email, Map.of("acr_values", ACR_MFA));
        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(answer.text("error")).isEqualTo("mfa_required");
        return answer.text("mfa_token");
    }

    public Http.Answer associateOtp(String bearer) {
        return http.postJson("/mfa/associate", Map.of("client_id", "c1",
                "client_secret", "s1-secret", "authenticator_types", List.of("otp")), bearer);
    }

    public Http.Answer associateSms(String bearer, String phone) {
        return http.postJson("/mfa/associate", Map.of("client_id", "c1",
                "client_secret", "s1-secret", "authenticator_types", List.of("oob"),
                "oob_channels", List.of("sms"), "phone_number", phone), bearer);
    }

    public Http.Answer associateEmail(String bearer) {
        return http.postJson("/mfa/associate", Map.of("client_id", "c1",
                "client_secret", "s1-secret", "authenticator_types", List.of("oob"),
                "oob_channels", List.of("email")), bearer);
    }

    public Http.Answer challenge(String mfaToken, String type, String authenticatorId) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("client_id", "c1",
                "client_secret", "s1-secret", "mfa_token", mfaToken));
        if (type != null) {
            body.put("challenge_type", type);
        }
        if (authenticatorId != null) {
            body.put("authenticator_id", authenticatorId);
        }
        return http.postJson("/mfa/challenge", body);
    }

    public Http.Answer otpGrant(String mfaToken, String otp) {
        return http.postForm("/oauth/token", Map.of("grant_type", Fixtures.MFA_OTP,
                "client_id", "c1", "client_secret", "s1-secret", "mfa_token", mfaToken,
                "otp", otp));
    }

    public Http.Answer oobGrant(String mfaToken, String oobCode, String bindingCode) {
        return http.postForm("/oauth/token", Map.of("grant_type", Fixtures.MFA_OOB,
                "client_id", "c1", "client_secret", "s1-secret", "mfa_token", mfaToken,
                "oob_code", oobCode, "binding_code", bindingCode));
    }

    public Http.Answer recoveryGrant(String mfaToken, String recoveryCode) {
        return http.postForm("/oauth/token", Map.of("grant_type", Fixtures.MFA_RECOVERY,
                "client_id", "c1", "client_secret", "s1-secret", "mfa_token", mfaToken,
                "recovery_code", recoveryCode));
    }

    public Http.Answer authenticators(String bearer) {
        return http.get("/mfa/authenticators", bearer);
    }

    /** The messages the console sender kept for a destination, newest first. */
    public JsonNode outbox(String destination) {
        Http.Answer answer = http.get("/dev/outbox?to="
                + URLEncoder.encode(destination, StandardCharsets.UTF_8));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    /** The code of the newest message to a destination. */
    public String lastCode(String destination) {
        JsonNode messages = outbox(destination);
        assertThat(messages.size()).as("messages to " + destination).isPositive();
        Matcher matcher = CODE.matcher(messages.get(0).get("text").asText());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    /** The user enrolled with an active TOTP authenticator; returns its base32 secret. */
    public String enrollOtp(String email) {
        String mfaToken = mfaToken(email);
        Http.Answer associated = associateOtp(mfaToken);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        String secret = associated.text("secret");
        Http.Answer confirmed = otpGrant(mfaToken, totp(secret, server.clock().instant()));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        return secret;
    }

    /** The user enrolled with an active SMS authenticator; returns the associate answer. */
    public JsonNode enrollSms(String email, String phone) {
        String mfaToken = mfaToken(email);
        Http.Answer associated = associateSms(mfaToken, phone);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        Http.Answer confirmed = oobGrant(mfaToken, associated.text("oob_code"),
                lastCode(phone));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        return associated.json();
    }

    /**
     * RFC 6238 TOTP, SHA-1, 6 digits, 30 s, written out here so the expected value does not
     * come from the code under test.
     */
    public static String totp(String base32Secret, Instant at) {
        byte[] key = BaseEncoding.base32().decode(base32Secret.toUpperCase(Locale.ROOT));
        return totpForKey(key, at.getEpochSecond() / 30);
    }

    public static String totpForKey(byte[] key, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0xF;
            int binary = ((hash[offset] & 0x7F) << 24) | ((hash[offset + 1] & 0xFF) << 16)
                    | ((hash[offset + 2] & 0xFF) << 8) | (hash[offset + 3] & 0xFF);
            return String.format("%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims of a JWT, decoded without verification (the test reads its own tokens). */
    public static JsonNode claims(String jwt) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
                StandardCharsets.UTF_8);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(payload);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
