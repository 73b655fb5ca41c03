package dev.twofold.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An OTP sent while a TOTP re-enrollment is pending may prove either authenticator; the one
 * that is not counted (the newer) still refuses it while locked, and the refusal counts
 * nowhere and spends nothing.
 */
class OtpCandidatesLockTest {

    private static final long LOCK_MILLIS = 600_000;

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
    void otpGrantWhenThePendingSecondTotpIsLockedThen429AndNothingCountedOrSpent() {
        api.freezeMidStep();
        String email = api.newUser("cand");
        String k1 = api.enrollOtp(email);
        nextStep();
        Http.Answer login = api.login(email, Map.of("audience", server.issuer() + "mfa/",
                "scope", "enroll read:authenticators"));
        Http.Answer tokens = api.otpGrant(login.text("mfa_token"),
                MfaApi.totp(k1, server.clock().instant()));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        String enrollToken = tokens.text("access_token");
        String userId = MfaApi.claims(enrollToken).get("sub").asText();
        assertThat(api.associateOtp(enrollToken).status()).isEqualTo(200);
        String active = otpId(enrollToken, true);
        String pending = otpId(enrollToken, false);
        long now = server.clock().millis();
        lock("authenticator:" + pending, now + LOCK_MILLIS);
        nextStep();

        Http.Answer locked = api.otpGrant(enrollToken, MfaApi.totp(k1, server.clock().instant()));

        assertThat(locked.status()).as(locked.body()).isEqualTo(429);
        assertThat(locked.text("error")).isEqualTo("too_many_attempts");
        // The lock was set 30 s before this request, at the frozen clock.
        assertThat(locked.header("Retry-After")).isEqualTo(
                Long.toString((LOCK_MILLIS - 30_000) / 1000));
        assertThat(counterRows(List.of("user:" + userId, "authenticator:" + active)))
                .isZero();

        unlock("authenticator:" + pending);
        Http.Answer sameStep = api.otpGrant(enrollToken,
                MfaApi.totp(k1, server.clock().instant()));
        assertThat(sameStep.status()).as(sameStep.body()).isEqualTo(200);
    }

    private static void nextStep() {
        server.clock().freezeAt(server.clock().instant().plusSeconds(30));
    }

    private static String otpId(String bearer, boolean active) {
        JsonNode list = api.authenticators(bearer).json();
        return StreamSupport.stream(list.spliterator(), false)
                .filter(entry -> entry.get("authenticator_type").asText().equals("otp"))
                .filter(entry -> entry.get("active").asBoolean() == active)
                .map(entry -> entry.get("id").asText())
                .findFirst().orElseThrow();
    }

    private static void lock(String subject, long until) {
        server.server().services().database().inTransaction(handle -> handle.createUpdate(
                        "INSERT INTO attempt_counters (subject, failures, window_started_at,"
                                + " locked_until) VALUES (:subject, 10, :now, :until)")
                .bind("subject", subject).bind("now", server.clock().millis())
                .bind("until", until).execute());
    }

    private static void unlock(String subject) {
        server.server().services().database().inTransaction(handle -> handle.createUpdate(
                        "DELETE FROM attempt_counters WHERE subject = :subject")
                .bind("subject", subject).execute());
    }

    private static int counterRows(List<String> subjects) {
        return server.server().services().database().withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM attempt_counters WHERE subject IN (<subjects>)")
                .bindList("subjects", subjects).mapTo(Integer.class).one());
    }
}
