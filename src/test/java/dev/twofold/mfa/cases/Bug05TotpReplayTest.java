package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BUG-05: a TOTP code is accepted once; reuse reads exactly like a wrong code. */
class Bug05TotpReplayTest {

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
    void otpWhenSameCodeSentForSecondLoginThenRefusedLikeAWrongCode() {
        api.freezeMidStep();
        String email = api.newUser("u");
        String secret = api.enrollOtp(email);
        server.clock().freezeAt(server.clock().instant().plus(Duration.ofSeconds(30)));
        String code = MfaApi.totp(secret, server.clock().instant());

        Http.Answer first = api.otpGrant(api.mfaToken(email), code);
        Http.Answer replay = api.otpGrant(api.mfaToken(email), code);
        Http.Answer wrong = api.otpGrant(api.mfaToken(email), wrongCode(secret));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.text("error")).isEqualTo("invalid_grant");
        assertThat(replay.body()).isEqualTo(wrong.body());

        server.clock().freezeAt(server.clock().instant().plus(Duration.ofSeconds(30)));
        Http.Answer nextStep = api.otpGrant(api.mfaToken(email),
                MfaApi.totp(secret, server.clock().instant()));

        assertThat(nextStep.status()).as(nextStep.body()).isEqualTo(200);
    }

    @Test
    void otpWhenEnrollmentCodeReusedForFirstLoginInSameStepThenRefused() {
        api.freezeMidStep();
        String email = api.newUser("e");
        String secret = api.enrollOtp(email);

        Http.Answer reuse = api.otpGrant(api.mfaToken(email),
                MfaApi.totp(secret, server.clock().instant()));

        assertThat(reuse.status()).isEqualTo(400);
        assertThat(reuse.text("error")).isEqualTo("invalid_grant");
    }

    static String wrongCode(String secret) {
        return wrongCode(secret, server.clock().instant());
    }

    /** A 6-digit code valid in no step of the window around {@code now}. */
    static String wrongCode(String secret, java.time.Instant now) {
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            boolean valid = false;
            for (int offset = -1; offset <= 1; offset++) {
                valid |= code.equals(MfaApi.totp(secret, now.plusSeconds(30L * offset)));
            }
            if (!valid) {
                return code;
            }
        }
    }
}
