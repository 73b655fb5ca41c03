package dev.twofold.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A successful MFA grant records when the authenticator it proved was last used (the
 * management API's {@code last_auth_at}), for each kind of factor.
 */
class AuthenticatorLastUseTest {

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
    void otpGrantWhenCorrectThenLastUseIsThisRequest() {
        api.freezeMidStep();
        String email = api.newUser("last-otp");
        String secret = api.enrollOtp(email);
        server.clock().freezeAt(server.clock().instant().plusSeconds(90));
        long at = server.clock().millis();

        Http.Answer answer = api.otpGrant(api.mfaToken(email),
                MfaApi.totp(secret, server.clock().instant()));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(lastUse(userId(answer), "totp")).contains(at);
    }

    @Test
    void oobGrantWhenCorrectThenLastUseIsThisRequest() {
        api.freezeMidStep();
        String phone = "+15555550166";
        String email = api.newUser("last-oob");
        api.enrollSms(email, phone);
        server.clock().freezeAt(server.clock().instant().plusSeconds(90));
        long at = server.clock().millis();
        String mfaToken = api.mfaToken(email);
        String oobCode = api.challenge(mfaToken, "oob", null).text("oob_code");

        Http.Answer answer = api.oobGrant(mfaToken, oobCode, api.lastCode(phone));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(lastUse(userId(answer), "sms")).contains(at);
    }

    @Test
    void recoveryGrantWhenCorrectThenLastUseIsThisRequest() {
        api.freezeMidStep();
        String email = api.newUser("last-rc");
        JsonNode enrolled = api.enrollSms(email, "+15555550167");
        String recoveryCode = enrolled.get("recovery_codes").get(0).asText();
        server.clock().freezeAt(server.clock().instant().plusSeconds(90));
        long at = server.clock().millis();

        Http.Answer answer = api.recoveryGrant(api.mfaToken(email), recoveryCode);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(lastUse(userId(answer), "recovery-code")).contains(at);
    }

    private static String userId(Http.Answer tokens) {
        return MfaApi.claims(tokens.text("access_token")).get("sub").asText();
    }

    private static Optional<Long> lastUse(String userId, String kind) {
        return server.server().services().database().withHandle(handle -> handle.createQuery(
                        "SELECT last_auth_at FROM authenticators WHERE user_id = :user"
                                + " AND kind = :kind AND active = TRUE")
                .bind("user", userId).bind("kind", kind)
                .mapTo(Long.class).findOne());
    }
}
