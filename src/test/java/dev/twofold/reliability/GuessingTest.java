package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestNodes;
import dev.twofold.testing.TestServer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Guessing: wrong codes for one user through every MFA grant (mfa-otp, mfa-oob,
 * mfa-recovery-code), over many mfa_tokens and three nodes. None is accepted; after exactly
 * {@code TWOFOLD_MFA_MAX_FAILURES} failures every further attempt, even with the right code,
 * is refused with 429 until {@code TWOFOLD_MFA_LOCKOUT} has passed. The default suite guesses
 * 60 times; {@code -Dtwofold.long=true} guesses 100,000 times (docs/reliability.md).
 */
class GuessingTest {

    private static final int MAX_FAILURES = 10;
    private static final Duration LOCKOUT = Duration.ofMinutes(15);
    private static TestNodes nodes;
    private static MfaClient mfa;

    @BeforeAll
    static void start() {
        nodes = TestServer.startNodes(3, Map.of("TWOFOLD_MFA_MAX_FAILURES",
                String.valueOf(MAX_FAILURES), "TWOFOLD_MFA_LOCKOUT", LOCKOUT.toString(),
                "TWOFOLD_PHONE_LIMIT_PER_USER", "off", "TWOFOLD_PHONE_LIMIT_PER_DESTINATION",
                "off", "TWOFOLD_PHONE_LIMIT_PER_IP", "off", "TWOFOLD_PHONE_LIMIT_PER_COUNTRY",
                "off"));
        nodes.fixtures().confidentialClient();
        mfa = new MfaClient(nodes::http);
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    /** What a guessing run saw. */
    record Figures(long guesses, long accepted, long lockouts, long millis) {
    }

    @Test
    void guessingWhenSixtyWrongCodesThenNoneAcceptedAndLockoutExactlyAsConfigured() {
        Figures figures = guess(60);

        assertThat(figures.accepted()).isZero();
        assertThat(figures.lockouts()).isEqualTo(6);
    }

    @Test
    @EnabledIfSystemProperty(named = "twofold.long", matches = "true")
    void guessingWhenHundredThousandWrongCodesThenNoneAcceptedAndLockoutEveryTenth() {
        int total = Integer.getInteger("twofold.guesses", 100_000);
        Figures figures = guess(total);

        System.out.println("GUESSING FIGURES " + figures);
        assertThat(figures.accepted()).isZero();
        assertThat(figures.lockouts()).isEqualTo(total / MAX_FAILURES);
    }

    /**
     * Makes {@code total} wrong guesses in rounds of {@link #MAX_FAILURES}: each round uses a
     * fresh mfa_token and cycles through the three grants; then checks that the right code is
     * refused with 429, and moves the clock past the lock-out.
     */
    private static Figures guess(int total) {
        long started = System.nanoTime();
        Instant now = MfaClient.midStep(Instant.now());
        nodes.clock().freezeAt(now);
        String email = "guess-" + System.nanoTime() + "@example.com";
        nodes.fixtures().user(email, MfaClient.PASSWORD);
        String phone = "+1555558" + String.format("%04d", (int) (System.nanoTime() % 10_000));
        MfaClient.Enrolled enrolled = mfa.enrollOtp(email, now);
        enrollSecondSms(email, enrolled.secret(), phone, now);
        SecureRandom random = new SecureRandom();
        long guesses = 0;
        long accepted = 0;
        long lockouts = 0;
        Instant at = now;
        while (guesses < total) {
            at = at.plus(LOCKOUT).plusSeconds(60);
            nodes.clock().freezeAt(at);
            String mfaToken = mfa.mfaToken(email);
            String oobCode;
            for (int i = 0; i < MAX_FAILURES && guesses < total; i++, guesses++) {
                Http.Answer answer;
                switch (i % 3) {
                    case 0 -> answer = mfa.otpGrant(mfaToken,
                            MfaClient.wrongCode(enrolled.secret(), at, random.nextInt()));
                    case 1 -> {
                        {
                            Http.Answer challenge = mfa.challenge(mfaToken, "oob", null);
                            assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
                            oobCode = challenge.text("oob_code");
                        }
                        String sent = mfa.lastCode(phone);
                        String wrong = String.format("%06d", random.nextInt(1_000_000));
                        answer = mfa.oobGrant(mfaToken, oobCode, wrong.equals(sent)
                                ? String.format("%06d", (Integer.parseInt(sent) + 1) % 1_000_000)
                                : wrong);
                    }
                    default -> answer = mfa.recoveryGrant(mfaToken, randomRecoveryCode(random));
                }
                if (answer.status() == 200) {
                    accepted++;
                }
                assertThat(answer.status()).as("guess " + guesses + ": " + answer.body())
                        .isEqualTo(400);
            }
            if (guesses % MAX_FAILURES == 0) {
                Http.Answer right = mfa.otpGrant(mfa.mfaToken(email),
                        MfaClient.totp(enrolled.secret(), at));
                assertThat(right.status()).as("right code after " + MAX_FAILURES
                        + " failures: " + right.body()).isEqualTo(429);
                assertThat(right.header("Retry-After")).isNotNull();
                lockouts++;
            }
        }
        Instant free = at.plus(LOCKOUT).plusSeconds(60);
        nodes.clock().freezeAt(free);
        Http.Answer after = mfa.otpGrant(mfa.mfaToken(email), MfaClient.totp(enrolled.secret(),
                free));
        assertThat(after.status()).as("after the lock-out: " + after.body()).isEqualTo(200);
        nodes.clock().unfreeze();
        return new Figures(guesses, accepted, lockouts, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Adds an SMS authenticator to a user who has TOTP: a step-up login for the MFA audience
     * with scope enroll, proved with the next TOTP step, then /mfa/associate and the mfa-oob
     * grant with that access token (docs/mfa.md, step-up).
     */
    private static void enrollSecondSms(String email, String secret, String phone,
                                        Instant now) {
        Instant next = now.plusSeconds(30);
        nodes.clock().freezeAt(next);
        String audience = nodes.node(0).server().services().mfaAudience();
        Http.Answer login = mfa.http().postForm("/oauth/token", Map.of("grant_type",
                "password", "username", email, "password", MfaClient.PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret", "audience", audience,
                "scope", "enroll read:authenticators"));
        assertThat(login.status()).as(login.body()).isEqualTo(403);
        Http.Answer stepped = mfa.otpGrant(login.text("mfa_token"), MfaClient.totp(secret,
                next));
        assertThat(stepped.status()).as(stepped.body()).isEqualTo(200);
        String accessToken = stepped.text("access_token");
        Http.Answer associated = mfa.associateSms(accessToken, phone);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        Http.Answer confirmed = mfa.oobGrant(accessToken, associated.text("oob_code"),
                mfa.lastCode(phone));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
    }

    private static String randomRecoveryCode(SecureRandom random) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            code.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return code.toString();
    }
}
