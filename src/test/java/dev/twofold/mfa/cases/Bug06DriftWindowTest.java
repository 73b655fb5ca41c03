package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BUG-06: the drift window looks one step both ways, and accepted steps only move forward. */
class Bug06DriftWindowTest {

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
    void otpWhenCodesAroundNowThenOnlyOneStepEitherWayAndForwardOnly() {
        Instant now = api.freezeMidStep();
        server.clock().freezeAt(now.minus(Duration.ofMinutes(5)));
        String email = api.newUser("u");
        String secret = api.enrollOtp(email);
        server.clock().freezeAt(now);
        try {
            Http.Answer previous = attempt(email, secret, now, -1);
            Http.Answer next = attempt(email, secret, now, 1);
            Http.Answer twoBack = attempt(email, secret, now, -2);
            Http.Answer twoAhead = attempt(email, secret, now, 2);
            Http.Answer current = attempt(email, secret, now, 0);

            assertThat(previous.status()).as(previous.body()).isEqualTo(200);
            assertThat(next.status()).as(next.body()).isEqualTo(200);
            for (Http.Answer refused : new Http.Answer[] {twoBack, twoAhead, current}) {
                assertThat(refused.status()).isEqualTo(400);
                assertThat(refused.text("error")).isEqualTo("invalid_grant");
            }
        } finally {
            server.clock().unfreeze();
        }
    }

    private static Http.Answer attempt(String email, String secret, Instant now, int steps) {
        return api.otpGrant(api.mfaToken(email),
                MfaApi.totp(secret, now.plusSeconds(30L * steps)));
    }
}
