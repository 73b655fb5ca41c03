package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BUG-12: unconfirmed enrollments replace each other instead of piling up, never disable the
 * working factor, and are never challenged.
 */
class Bug12PendingEnrollmentsTest {

    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void unfreeze() {
        server.clock().unfreeze();
    }

    @Test
    void associateWhenSixtyUnconfirmedThenOnePendingAndTheLastConfirms() {
        api.freezeMidStep();
        String email = api.newUser("w");
        String mfaToken = api.mfaToken(email);
        Set<String> secrets = new HashSet<>();
        String last = null;
        for (int i = 0; i < 60; i++) {
            Http.Answer answer = api.associateOtp(mfaToken);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.text("barcode_uri")).startsWith("otpauth://totp/");
            last = answer.text("secret");
            secrets.add(last);
        }
        assertThat(secrets).hasSize(60);

        List<JsonNode> otp = otpEntries(api.authenticators(mfaToken).json());
        assertThat(otp).hasSize(1);
        assertThat(otp.get(0).get("active").asBoolean()).isFalse();
        Http.Answer challenge = api.challenge(mfaToken, null, otp.get(0).get("id").asText());
        assertThat(challenge.status()).isEqualTo(400);
        assertThat(challenge.json().has("oob_code")).isFalse();

        Http.Answer confirmed = api.otpGrant(mfaToken,
                MfaApi.totp(last, server.clock().instant()));

        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        List<JsonNode> after = otpEntries(api.authenticators(api.mfaToken(email)).json());
        assertThat(after).hasSize(1);
        assertThat(after.get(0).get("active").asBoolean()).isTrue();
    }

    @Test
    void associateWhenReEnrollmentAbandonedThenOldSecretStillWorksAndNewOneDoesNot() {
        api.freezeMidStep();
        String email = api.newUser("u");
        String k1 = api.enrollOtp(email);
        nextStep();
        Http.Answer login = api.login(email, Map.of("audience", server.issuer() + "mfa/",
                "scope", "enroll read:authenticators"));
        String enrollToken = api.otpGrant(login.text("mfa_token"),
                MfaApi.totp(k1, server.clock().instant())).text("access_token");
        Http.Answer reEnrollment = api.associateOtp(enrollToken);
        assertThat(reEnrollment.status()).as(reEnrollment.body()).isEqualTo(200);
        String k2 = reEnrollment.text("secret");
        nextStep();

        Http.Answer withK1 = api.otpGrant(api.mfaToken(email),
                MfaApi.totp(k1, server.clock().instant()));
        Http.Answer withK2 = api.otpGrant(api.mfaToken(email),
                MfaApi.totp(k2, server.clock().instant()));

        assertThat(withK1.status()).as(withK1.body()).isEqualTo(200);
        assertThat(withK2.status()).isEqualTo(400);
        assertThat(withK2.text("error")).isEqualTo("invalid_grant");
        String pendingId = otpEntries(api.authenticators(enrollToken).json()).stream()
                .filter(entry -> !entry.get("active").asBoolean())
                .map(entry -> entry.get("id").asText()).findFirst().orElseThrow();
        Http.Answer challenge = api.challenge(api.mfaToken(email), null, pendingId);
        assertThat(challenge.status()).isEqualTo(400);
        assertThat(challenge.text("error")).isEqualTo("unsupported_challenge_type");
    }

    private static void nextStep() {
        server.clock().freezeAt(server.clock().instant().plusSeconds(30));
    }

    private static List<JsonNode> otpEntries(JsonNode list) {
        List<JsonNode> entries = new ArrayList<>();
        list.forEach(item -> {
            if (item.get("authenticator_type").asText().equals("otp")) {
                entries.add(item);
            }
        });
        return entries;
    }
}
