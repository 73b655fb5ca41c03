package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A black-box client of the MFA API as docs/mfa.md describes it, for one confidential client
 * (c1 unless another is given). Every request
 * goes to the next node of {@code nodes} (round robin), so a flow of several requests touches
 * several nodes. TOTP codes are computed here (RFC 6238 with javax.crypto), not by Twofold.
 */
final class MfaClient {

    static final String PASSWORD = "Correct-Horse-9";
    static final String ACR_MFA = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";
    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    private final IntFunction<Http> nodes;
    private final String clientId;
    private final String clientSecret;
    private final AtomicInteger next = new AtomicInteger();

    /** For client c1 with secret s1-secret ({@link Fixtures#confidentialClient()}). */
    MfaClient(IntFunction<Http> nodes) {
        this(nodes, "c1", "s1-secret");
    }

    MfaClient(IntFunction<Http> nodes, String clientId, String clientSecret) {
        this.nodes = nodes;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** The node the next request goes to. */
    Http http() {
        return nodes.apply(next.getAndIncrement());
    }

    Http.Answer login(String email) {
        return login(email, Map.of());
    }

    /** A password login asking for MFA; {@code extra} adds or replaces form fields. */
    Http.Answer login(String email, Map<String, String> extra) {
        Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "password",
                "username", email, "password", PASSWORD, "client_id", clientId,
                "client_secret", clientSecret, "scope", "openid offline_access",
                "acr_values", ACR_MFA));
        form.putAll(extra);
        return http().postForm("/oauth/token", form);
    }

    /** A password login answered with mfa_required; the mfa_token. */
    String mfaToken(String email) {
        Http.Answer answer = login(email);
        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(answer.text("error")).isEqualTo("mfa_required");
        return answer.text("mfa_token");
    }

    Http.Answer associate(String bearer, Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("client_id", clientId,
                "client_secret", clientSecret));
        body.putAll(fields);
        return http().postJson("/mfa/associate", body, bearer);
    }

    Http.Answer associateOtp(String bearer) {
        return associate(bearer, Map.of("authenticator_types", List.of("otp")));
    }

    Http.Answer associateSms(String bearer, String phone) {
        return associate(bearer, Map.of("authenticator_types", List.of("oob"),
                "oob_channels", List.of("sms"), "phone_number", phone));
    }

    Http.Answer challenge(String mfaToken, String type, String authenticatorId) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("client_id", clientId,
                "client_secret", clientSecret, "mfa_token", mfaToken));
        if (type != null) {
            body.put("challenge_type", type);
        }
        if (authenticatorId != null) {
            body.put("authenticator_id", authenticatorId);
        }
        return http().postJson("/mfa/challenge", body);
    }

    Http.Answer otpGrant(String mfaToken, String otp) {
        return http().postForm("/oauth/token", Map.of("grant_type", Fixtures.MFA_OTP,
                "client_id", clientId, "client_secret", clientSecret, "mfa_token", mfaToken,
                "otp", otp));
    }

    Http.Answer oobGrant(String mfaToken, String oobCode, String bindingCode) {
        return http().postForm("/oauth/token", Map.of("grant_type", Fixtures.MFA_OOB,
                "client_id", clientId, "client_secret", clientSecret, "mfa_token", mfaToken,
                "oob_code", oobCode, "binding_code", bindingCode));
    }

    Http.Answer recoveryGrant(String mfaToken, String recoveryCode) {
        return http().postForm("/oauth/token", Map.of("grant_type", Fixtures.MFA_RECOVERY,
                "client_id", clientId, "client_secret", clientSecret, "mfa_token", mfaToken,
                "recovery_code", recoveryCode));
    }

    Http.Answer authenticators(String bearer) {
        return http().get("/mfa/authenticators", bearer);
    }

    /** The code in the newest message the development outbox kept for a destination. */
    String lastCode(String destination) {
        Http.Answer answer = http().get("/dev/outbox?to="
                + URLEncoder.encode(destination, StandardCharsets.UTF_8));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode messages = answer.json();
        assertThat(messages.size()).as("messages to " + destination).isPositive();
        Matcher matcher = CODE.matcher(messages.get(0).get("text").asText());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    /** The codes in the newest {@code limit} messages the outbox kept for a destination. */
    List<String> recentCodes(String destination, int limit) {
        Http.Answer answer = http().get("/dev/outbox?to="
                + URLEncoder.encode(destination, StandardCharsets.UTF_8));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<String> codes = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(limit, answer.json().size()); i++) {
            Matcher matcher = CODE.matcher(answer.json().get(i).get("text").asText());
            if (matcher.find()) {
                codes.add(matcher.group(1));
            }
        }
        return codes;
    }

    /** An active TOTP authenticator for the user; its secret and first recovery code. */
    record Enrolled(String secret, String recoveryCode) {
    }

    Enrolled enrollOtp(String email, Instant now) {
        String mfaToken = mfaToken(email);
        Http.Answer associated = associateOtp(mfaToken);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        String secret = associated.text("secret");
        JsonNode codes = associated.json().path("recovery_codes");
        Http.Answer confirmed = otpGrant(mfaToken, totp(secret, now));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        return new Enrolled(secret, codes.isArray() && codes.size() > 0
                ? codes.get(0).asText() : null);
    }

    /** An active SMS authenticator; returns the recovery code it came with. */
    String enrollSms(String email, String phone) {
        String mfaToken = mfaToken(email);
        Http.Answer associated = associateSms(mfaToken, phone);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        Http.Answer confirmed = oobGrant(mfaToken, associated.text("oob_code"),
                lastCode(phone));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        JsonNode codes = associated.json().path("recovery_codes");
        return codes.isArray() && codes.size() > 0 ? codes.get(0).asText() : null;
    }

    /** RFC 6238: HMAC-SHA1, 6 digits, 30 s steps. */
    static String totp(String base32Secret, Instant at) {
        return totpAtStep(base32(base32Secret), at.getEpochSecond() / 30);
    }

    static String totpAtStep(byte[] key, long step) {
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

    /**
     * A six-digit code that is not valid at {@code at}: none of the codes of the step before,
     * the step itself and the step after (the window docs/mfa.md allows).
     */
    static String wrongCode(String base32Secret, Instant at, long candidate) {
        byte[] key = base32(base32Secret);
        long step = at.getEpochSecond() / 30;
        java.util.Set<String> valid = java.util.Set.of(totpAtStep(key, step - 1),
                totpAtStep(key, step), totpAtStep(key, step + 1));
        for (long n = candidate; ; n++) {
            String code = String.format("%06d", Math.floorMod(n, 1_000_000));
            if (!valid.contains(code)) {
                return code;
            }
        }
    }

    /** RFC 4648 base32 without padding. */
    static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toUpperCase(Locale.ROOT).replace("=", "").toCharArray()) {
            int value = alphabet.indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("Not base32: " + c);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xFF);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    /** The TOTP step a clock is in, frozen 10 s into a step so no test straddles two. */
    static Instant midStep(Instant now) {
        long step = now.getEpochSecond() / 30;
        return Instant.ofEpochSecond(step * 30 + 10);
    }
}
