package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BUG-08: failures of all three MFA grants count on one counter per user, across mfa_tokens;
 * after 10 the second factor is locked for 15 minutes, even for a correct code.
 */
class Bug08LockoutTest {

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

    @Test
    void mfaGrantsWhenTenFailuresOverFourLoginsThenCorrectCodeGets429() {
        Instant start = api.freezeMidStep();
        try {
            String email = api.newUser("u");
            String secret = enrollOtpAndEmail(email);
            server.clock().freezeAt(start.plus(Duration.ofMinutes(2)));

            String first = api.mfaToken(email);
            String second = api.mfaToken(email);
            String third = api.mfaToken(email);
            String fourth = api.mfaToken(email);
            wrong(api.otpGrant(first, wrongOtp(secret)));
            wrong(api.otpGrant(first, wrongOtp(secret)));
            wrong(api.otpGrant(second, wrongOtp(secret)));
            wrong(api.otpGrant(second, wrongOtp(secret)));
            wrongBinding(second, email);
            wrongBinding(third, email);
            wrongBinding(third, email);
            wrong(api.recoveryGrant(third, "AAAAAAAAAAAAAAAAAAAAAAAA"));
            wrong(api.recoveryGrant(fourth, "BBBBBBBBBBBBBBBBBBBBBBBB"));
            wrong(api.recoveryGrant(fourth, "CCCCCCCCCCCCCCCCCCCCCCCC"));

            Http.Answer password = api.login(email, Map.of());
            Http.Answer locked = api.otpGrant(api.mfaToken(email),
                    MfaApi.totp(secret, server.clock().instant()));

            assertThat(password.status()).isEqualTo(403);
            assertThat(password.text("error")).isEqualTo("mfa_required");
            assertThat(locked.status()).isEqualTo(429);
            assertThat(locked.text("error")).isEqualTo("too_many_attempts");
            assertThat(locked.text("error_description")).contains("until");
            // The failures and this request share one frozen instant: the full 15 minutes.
            assertThat(Integer.parseInt(locked.header("Retry-After"))).isBetween(899, 900);
            assertThat(locked.json().has("access_token")).isFalse();

            String other = api.newUser("v");
            String otherSecret = api.enrollOtp(other);
            server.clock().freezeAt(server.clock().instant().plusSeconds(30));
            Http.Answer otherUser = api.otpGrant(api.mfaToken(other),
                    MfaApi.totp(otherSecret, server.clock().instant()));
            assertThat(otherUser.status()).as(otherUser.body()).isEqualTo(200);

            server.clock().freezeAt(server.clock().instant().plus(Duration.ofMinutes(16)));
            Http.Answer afterLock = api.otpGrant(api.mfaToken(email),
                    MfaApi.totp(secret, server.clock().instant()));
            assertThat(afterLock.status()).as(afterLock.body()).isEqualTo(200);
        } finally {
            server.clock().unfreeze();
        }
    }

    /** TOTP via mfa_token, then email via an enroll access token that passed TOTP. */
    private static String enrollOtpAndEmail(String email) {
        String secret = api.enrollOtp(email);
        server.clock().freezeAt(server.clock().instant().plusSeconds(30));
        Http.Answer login = api.login(email, Map.of("audience", server.issuer() + "mfa/",
                "scope", "enroll"));
        assertThat(login.status()).as(login.body()).isEqualTo(403);
        Http.Answer tokens = api.otpGrant(login.text("mfa_token"),
                MfaApi.totp(secret, server.clock().instant()));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        String enrollToken = tokens.text("access_token");
        Http.Answer associated = api.associateEmail(enrollToken);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        Http.Answer confirmed = api.oobGrant(enrollToken, associated.text("oob_code"),
                api.lastCode(email));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        return secret;
    }

    private static void wrongBinding(String mfaToken, String email) {
        Http.Answer challenge = api.challenge(mfaToken, "oob", null);
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
        String sent = api.lastCode(email);
        String wrongCode = sent.equals("000000") ? "000001" : "000000";
        wrong(api.oobGrant(mfaToken, challenge.text("oob_code"), wrongCode));
    }

    private static void wrong(Http.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_grant");
    }

    private static String wrongOtp(String secret) {
        return Bug05TotpReplayTest.wrongCode(secret, server.clock().instant());
    }
}
