package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real threads against the real database: of many simultaneous verifications of one valid
 * TOTP code, one out-of-band code and one recovery code, exactly one succeeds each; and
 * simultaneous enrollments of one user leave one authenticator, never a duplicate or a
 * half-confirmed one. 100 racers on PostgreSQL, 25 on H2.
 */
class MfaRaceTest {

    private static final int RACERS = Race.racers(100, 25);
    private static TestServer server;
    private static MfaClient mfa;

    @BeforeAll
    static void start() {
        // Failures of the losers must not lock the user: this test is about spending, not limits.
        server = TestServer.start(Map.of("TWOFOLD_MFA_MAX_FAILURES", "1000000"));
        server.fixtures().confidentialClient();
        mfa = new MfaClient(i -> server.http());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void unfreeze() {
        server.clock().unfreeze();
    }

    private static String newUser(String prefix) {
        String email = prefix + "-" + System.nanoTime() + "@example.com";
        server.fixtures().user(email, MfaClient.PASSWORD);
        return email;
    }

    private static List<String> mfaTokens(String email, int count) {
        return IntStream.range(0, count).mapToObj(i -> mfa.mfaToken(email)).toList();
    }

    private static void assertExactlyOneSuccess(List<Http.Answer> answers) {
        List<Http.Answer> wins = answers.stream().filter(a -> a.status() == 200).toList();
        assertThat(wins).as("successes among " + answers.size()).hasSize(1);
        assertThat(wins.get(0).text("access_token")).isNotBlank();
        for (Http.Answer answer : answers) {
            assertThat(answer.status()).as(answer.body()).isLessThan(500);
        }
    }

    @Test
    void otpWhenManySimultaneousWithOneValidCodeThenExactlyOneSucceeds() {
        Instant now = MfaClient.midStep(Instant.now());
        server.clock().freezeAt(now);
        String email = newUser("race-otp");
        MfaClient.Enrolled enrolled = mfa.enrollOtp(email, now);
        Instant nextStep = now.plusSeconds(30);
        server.clock().freezeAt(nextStep);
        String code = MfaClient.totp(enrolled.secret(), nextStep);
        List<String> tokens = mfaTokens(email, RACERS);

        List<Http.Answer> answers = Race.run(RACERS, i -> mfa.otpGrant(tokens.get(i), code));

        assertExactlyOneSuccess(answers);
    }

    @Test
    void oobWhenManySimultaneousWithOneCodeThenExactlyOneSucceeds() {
        String phone = "+1555555" + String.format("%04d", (int) (System.nanoTime() % 10_000));
        String email = newUser("race-oob");
        mfa.enrollSms(email, phone);
        String mfaToken = mfa.mfaToken(email);
        Http.Answer challenge = mfa.challenge(mfaToken, "oob", null);
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
        String oobCode = challenge.text("oob_code");
        String binding = mfa.lastCode(phone);

        List<Http.Answer> answers = Race.run(RACERS,
                i -> mfa.oobGrant(mfaToken, oobCode, binding));

        assertExactlyOneSuccess(answers);
    }

    /**
     * Found by CrashRestartTest: the first messages to a new phone number raced to create its
     * send-limit row, and the loser's failed INSERT aborted the enrollment's transaction on
     * PostgreSQL (500). Now each is sent or refused by the limit (429), never a 5xx.
     */
    @Test
    void smsEnrollmentWhenManyUsersFirstSendToOneNewNumberAtOnceThenNo5xx() {
        String phone = "+1555554" + String.format("%04d", (int) (System.nanoTime() % 10_000));
        int racers = Math.min(RACERS, 30);
        List<String> tokens = IntStream.range(0, racers)
                .mapToObj(i -> mfa.mfaToken(newUser("race-first-send-" + i))).toList();

        List<Http.Answer> answers = Race.run(racers,
                i -> mfa.associateSms(tokens.get(i), phone));

        for (Http.Answer answer : answers) {
            assertThat(answer.status()).as(answer.body()).isIn(200, 429);
        }
        // TWOFOLD_PHONE_LIMIT_PER_DESTINATION defaults to 10 per hour.
        assertThat(answers.stream().filter(a -> a.status() == 200).count())
                .isEqualTo(Math.min(racers, 10));
    }

    @Test
    void recoveryCodeWhenManySimultaneousWithOneCodeThenExactlyOneSucceeds() {
        Instant now = MfaClient.midStep(Instant.now());
        server.clock().freezeAt(now);
        String email = newUser("race-recovery");
        String recoveryCode = mfa.enrollOtp(email, now).recoveryCode();
        assertThat(recoveryCode).isNotBlank();
        List<String> tokens = mfaTokens(email, RACERS);

        List<Http.Answer> answers = Race.run(RACERS,
                i -> mfa.recoveryGrant(tokens.get(i), recoveryCode));

        assertExactlyOneSuccess(answers);
        assertThat(answers.stream().filter(a -> a.status() == 200).findFirst().orElseThrow()
                .text("recovery_code")).isNotBlank().isNotEqualTo(recoveryCode);
    }

    @Test
    void enrollmentWhenManySimultaneousForOneUserThenOneActiveAuthenticatorAndOneRecoveryCode() {
        Instant now = MfaClient.midStep(Instant.now());
        server.clock().freezeAt(now);
        String email = newUser("race-enroll");
        int racers = Math.min(RACERS, 20);
        List<String> tokens = mfaTokens(email, racers);

        List<Http.Answer> associated = Race.run(racers, i -> mfa.associateOtp(tokens.get(i)));
        List<Integer> started = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            assertThat(associated.get(i).status()).as(associated.get(i).body())
                    .isIn(200, 400, 403, 409);
            if (associated.get(i).status() == 200) {
                started.add(i);
            }
        }
        assertThat(started).isNotEmpty();
        List<Http.Answer> confirmed = Race.run(started.size(), k -> {
            int i = started.get(k);
            return mfa.otpGrant(tokens.get(i), MfaClient.totp(associated.get(i).text("secret"),
                    now));
        });

        assertThat(confirmed.stream().filter(a -> a.status() == 200)).hasSize(1);
        confirmed.forEach(a -> assertThat(a.status()).as(a.body()).isLessThan(500));
        Http.Answer list = mfa.authenticators(mfa.mfaToken(email));
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        List<JsonNode> otp = new ArrayList<>();
        list.json().forEach(node -> {
            if ("otp".equals(node.path("authenticator_type").asText())) {
                otp.add(node);
            }
        });
        assertThat(otp).as(list.body()).hasSize(1);
        assertThat(otp.get(0).path("active").asBoolean()).isTrue();
        long workingRecoveryCodes = started.stream()
                .map(i -> associated.get(i).json().path("recovery_codes"))
                .filter(codes -> codes.isArray() && codes.size() > 0)
                .map(codes -> codes.get(0).asText()).distinct()
                .filter(code -> mfa.recoveryGrant(mfa.mfaToken(email), code).status() == 200)
                .count();
        assertThat(workingRecoveryCodes).as("recovery codes that work").isEqualTo(1);
    }
}
