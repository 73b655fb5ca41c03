package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CASES.md BUG-23, MFA parts: LOGIN(), /mfa/associate, mfa-otp and /mfa/challenge sent as a
 * form, as a form with a charset, and as JSON all give the same answers. A list parameter is a
 * JSON array in JSON and a repeated field in a form.
 */
class Bug23MfaBodiesTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static TestServer server;
    private static MfaApi api;

    /** One way of encoding a request body. */
    private enum Encoding {
        FORM_PLAIN(FORM), FORM_CHARSET(FORM + "; charset=UTF-8"), JSON("application/json");

        private final String contentType;

        Encoding(String contentType) {
            this.contentType = contentType;
        }

        String encode(Map<String, Object> fields) {
            return this == JSON ? Http.json(fields) : form(fields);
        }
    }

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String form(Map<String, Object> fields) {
        StringJoiner joiner = new StringJoiner("&");
        fields.forEach((name, value) -> {
            List<?> values = value instanceof List<?> list ? list : List.of(value);
            values.forEach(single -> joiner.add(name + "="
                    + URLEncoder.encode(single.toString(), StandardCharsets.UTF_8)));
        });
        return joiner.toString();
    }

    private static Http.Answer post(Encoding encoding, String path, Map<String, Object> fields,
                                    String bearer) {
        List<String> headers = new ArrayList<>();
        if (bearer != null) {
            headers.addAll(List.of("Authorization", "Bearer " + bearer));
        }
        return api.http().raw("POST", path, encoding.contentType, encoding.encode(fields),
                headers.toArray(String[]::new));
    }

    private static Map<String, Object> client(Object... pairs) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("client_id", "c1");
        fields.put("client_secret", "s1-secret");
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            fields.put((String) pairs[i], pairs[i + 1]);
        }
        return fields;
    }

    private static Http.Answer login(Encoding encoding, String email) {
        return post(encoding, "/oauth/token", client("grant_type", "password",
                "username", email, "password", MfaApi.PASSWORD,
                "scope", "openid offline_access"), null);
    }

    /** The answers of one encoding to LOGIN(), associate otp and mfa-otp. */
    private record OtpSequence(Http.Answer login, Http.Answer associate, Http.Answer grant) {
    }

    private static OtpSequence otpSequence(Encoding encoding) {
        Http.Answer login = login(encoding, api.newUser("b23-" + encoding.name()));
        String mfaToken = login.text("mfa_token");
        Http.Answer associate = post(encoding, "/mfa/associate",
                client("authenticator_types", List.of("otp")), mfaToken);
        String otp = MfaApi.totp(associate.text("secret"), server.clock().instant());
        Http.Answer grant = post(encoding, "/oauth/token", client("grant_type", Fixtures.MFA_OTP,
                "mfa_token", mfaToken, "otp", otp), null);
        return new OtpSequence(login, associate, grant);
    }

    private static List<String> fieldNames(Http.Answer answer) {
        List<String> names = new ArrayList<>();
        answer.json().fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void mfaOtpSequenceWhenFormCharsetOrJsonThenSameAnswers() {
        List<OtpSequence> sequences = new ArrayList<>();
        for (Encoding encoding : Encoding.values()) {
            sequences.add(otpSequence(encoding));
        }

        for (OtpSequence sequence : sequences) {
            assertThat(sequence.login().status()).as(sequence.login().body()).isEqualTo(403);
            assertThat(sequence.login().text("error")).isEqualTo("mfa_required");
            assertThat(sequence.login().json().get("mfa_requirements"))
                    .isEqualTo(sequences.get(0).login().json().get("mfa_requirements"));
            assertThat(sequence.associate().status()).as(sequence.associate().body())
                    .isEqualTo(200);
            assertThat(sequence.associate().text("authenticator_type")).isEqualTo("otp");
            assertThat(fieldNames(sequence.associate()))
                    .isEqualTo(fieldNames(sequences.get(0).associate()));
            assertThat(sequence.grant().status()).as(sequence.grant().body()).isEqualTo(200);
            assertThat(fieldNames(sequence.grant())).containsExactlyInAnyOrder("access_token",
                    "refresh_token", "id_token", "scope", "expires_in", "token_type");
            assertThat(MfaApi.claims(sequence.grant().text("id_token")).get("amr"))
                    .isEqualTo(MfaApi.claims(sequences.get(0).grant().text("id_token"))
                            .get("amr"));
            for (Http.Answer answer : List.of(sequence.login(), sequence.associate(),
                    sequence.grant())) {
                assertThat(answer.header("Content-Type")).startsWith("application/json");
            }
        }
    }

    @Test
    void associateSmsWhenFormWithRepeatedFieldsOrJsonThenSameAnswer() {
        Map<Encoding, Http.Answer> answers = new LinkedHashMap<>();
        for (Encoding encoding : List.of(Encoding.FORM_PLAIN, Encoding.JSON)) {
            String mfaToken = api.mfaToken(api.newUser("b23sms"));
            answers.put(encoding, post(encoding, "/mfa/associate", client(
                    "authenticator_types", List.of("oob"), "oob_channels", List.of("sms"),
                    "phone_number", "+15555550123"), mfaToken));
        }

        for (Http.Answer answer : answers.values()) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.text("authenticator_type")).isEqualTo("oob");
            assertThat(answer.text("oob_channel")).isEqualTo("sms");
            assertThat(answer.text("binding_method")).isEqualTo("prompt");
            assertThat(fieldNames(answer)).isEqualTo(fieldNames(answers.get(Encoding.JSON)));
        }
    }

    private static String smsAuthenticatorId(String mfaToken) {
        for (JsonNode authenticator : api.authenticators(mfaToken).json()) {
            if ("sms".equals(authenticator.path("oob_channel").asText())) {
                return authenticator.get("id").asText();
            }
        }
        throw new AssertionError("no sms authenticator listed");
    }

    @Test
    void challengeWhenFormOrJsonThenSameAnswerAndEachOobCodeWorks() {
        for (Encoding encoding : List.of(Encoding.FORM_PLAIN, Encoding.JSON)) {
            String phone = "+1555555" + (encoding == Encoding.JSON ? "0124" : "0125");
            String email = api.newUser("b23ch");
            api.enrollSms(email, phone);
            String mfaToken = api.mfaToken(email);
            String authenticatorId = smsAuthenticatorId(mfaToken);

            Http.Answer challenge = post(encoding, "/mfa/challenge", client("mfa_token", mfaToken,
                    "challenge_type", "oob", "authenticator_id", authenticatorId), null);
            Http.Answer grant = api.oobGrant(mfaToken, challenge.text("oob_code"),
                    api.lastCode(phone));

            assertThat(challenge.status()).as(encoding + " " + challenge.body()).isEqualTo(200);
            assertThat(fieldNames(challenge)).containsExactlyInAnyOrder("challenge_type",
                    "oob_code", "binding_method");
            assertThat(challenge.text("challenge_type")).isEqualTo("oob");
            assertThat(challenge.text("binding_method")).isEqualTo("prompt");
            assertThat(grant.status()).as(grant.body()).isEqualTo(200);
        }
    }
}
