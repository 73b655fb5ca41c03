package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestNodes;
import dev.twofold.testing.TestServer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Guessing: wrong codes for one user through every MFA grant (mfa-otp, mfa-oob,
 * mfa-recovery-code), over many mfa_tokens and three nodes. None is accepted; after exactly
 * {@code TWOFOLD_MFA_MAX_FAILURES} failures every further attempt, even with the right code,
 * is refused with 429 until {@code TWOFOLD_MFA_LOCKOUT} has passed. Each round's guesses are
 * sent at once from as many threads, so the shared failure counter is also hammered
 * concurrently. The default suite guesses 60 times and checks the limit minus one and the
 * limit sent at once; {@code -Dtwofold.long=true} guesses 100,000 times (docs/reliability.md).
 */
class GuessingTest {

    private static final int MAX_FAILURES = 10;
    private static final Duration LOCKOUT = Duration.ofMinutes(15);
    private static final ExecutorService POOL = Executors.newFixedThreadPool(MAX_FAILURES);
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
        POOL.shutdownNow();
        nodes.close();
    }

    /** What a guessing run saw. */
    record Figures(long guesses, long accepted, long lockouts, long millis) {
    }

    /** The user every guess is aimed at: TOTP, SMS and a recovery code. */
    record Target(String email, String secret, String phone) {
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
     * The failure counter under concurrency: one short of the limit, sent all at once, must
     * not lock (no count invented), and exactly the limit, sent all at once, must lock (no
     * count lost), whichever grants and nodes the guesses went through.
     */
    @Test
    void guessingWhenLimitMinusOneOrLimitArriveAtOnceThenLockoutEngagesExactlyAtTheLimit() {
        Instant at = MfaClient.midStep(Instant.now());
        Target target = enrolledTarget(at);
        for (int round = 0; round < 3; round++) {
            at = at.plus(LOCKOUT).plusSeconds(60);
            nodes.clock().freezeAt(at);
            assertThat(wrongGuessesAtOnce(target, at, MAX_FAILURES - 1))
                    .as("statuses of " + (MAX_FAILURES - 1) + " guesses").containsOnly(400);
            Http.Answer right = mfa.otpGrant(mfa.mfaToken(target.email()),
                    MfaClient.totp(target.secret(), at));
            assertThat(right.status()).as("right code after " + (MAX_FAILURES - 1)
                    + " simultaneous failures: " + right.body()).isEqualTo(200);

            at = at.plusSeconds(30);
            nodes.clock().freezeAt(at);
            assertThat(wrongGuessesAtOnce(target, at, MAX_FAILURES))
                    .as("statuses of " + MAX_FAILURES + " guesses").containsOnly(400);
            assertLocked(target, at);
        }
        nodes.clock().unfreeze();
    }

    /**
     * Each attempt is counted before its code is checked, so of many guesses sent at once only
     * the limit's worth are checked (answered 400) and the rest are refused unchecked with 429:
     * an attacker gains nothing by sending in parallel, on one node or several.
     */
    @Test
    void guessingWhenTwoAndAHalfLimitsArriveAtOnceThenOnlyTheLimitIsChecked() {
        Instant at = MfaClient.midStep(Instant.now()).plus(LOCKOUT.multipliedBy(20));
        Target target = enrolledTarget(at);
        nodes.clock().freezeAt(at);

        List<Integer> statuses = wrongOtpGuessesAtOnce(target, at, MAX_FAILURES * 5 / 2);

        assertThat(statuses.stream().filter(status -> status == 400).count())
                .as("guesses checked, of " + statuses).isEqualTo(MAX_FAILURES);
        assertThat(statuses.stream().filter(status -> status == 429).count())
                .isEqualTo(MAX_FAILURES * 3 / 2);
        assertLocked(target, at);
        nodes.clock().unfreeze();
    }

    /**
     * Makes {@code total} wrong guesses in rounds of {@link #MAX_FAILURES} sent at once from
     * as many threads, each on its own mfa_token, cycling through the three grants and the
     * three nodes; after each full round the right code must be refused with 429, and the
     * clock moves past the lock-out.
     */
    private static Figures guess(int total) {
        long started = System.nanoTime();
        Instant at = MfaClient.midStep(Instant.now());
        Target target = enrolledTarget(at);
        long guesses = 0;
        long lockouts = 0;
        while (guesses < total) {
            at = at.plus(LOCKOUT).plusSeconds(60);
            nodes.clock().freezeAt(at);
            int round = (int) Math.min(MAX_FAILURES, total - guesses);
            List<Integer> statuses = wrongGuessesAtOnce(target, at, round);
            assertThat(statuses).as("guesses " + guesses + "+").containsOnly(400);
            guesses += round;
            if (round == MAX_FAILURES) {
                assertLocked(target, at);
                lockouts++;
            }
        }
        Instant free = at.plus(LOCKOUT).plusSeconds(60);
        nodes.clock().freezeAt(free);
        Http.Answer after = mfa.otpGrant(mfa.mfaToken(target.email()),
                MfaClient.totp(target.secret(), free));
        assertThat(after.status()).as("after the lock-out: " + after.body()).isEqualTo(200);
        nodes.clock().unfreeze();
        // Every guess was answered 400 above, so none was accepted.
        return new Figures(guesses, 0, lockouts, (System.nanoTime() - started) / 1_000_000);
    }

    private static Target enrolledTarget(Instant now) {
        nodes.clock().freezeAt(now);
        String email = "guess-" + System.nanoTime() + "@example.com";
        nodes.fixtures().user(email, MfaClient.PASSWORD);
        String phone = "+1555558" + String.format("%04d", (int) (System.nanoTime() % 10_000));
        MfaClient.Enrolled enrolled = mfa.enrollOtp(email, now);
        enrollSecondSms(email, enrolled.secret(), phone, now);
        return new Target(email, enrolled.secret(), phone);
    }

    private static void assertLocked(Target target, Instant at) {
        Http.Answer right = mfa.otpGrant(mfa.mfaToken(target.email()),
                MfaClient.totp(target.secret(), at));
        assertThat(right.status()).as("right code after " + MAX_FAILURES + " failures: "
                + right.body()).isEqualTo(429);
        assertThat(right.header("Retry-After")).isNotNull();
    }

    /** {@code n} wrong guesses released together; their statuses. */
    /** {@code n} wrong mfa-otp guesses at once, each on its own mfa_token; their statuses. */
    private static List<Integer> wrongOtpGuessesAtOnce(Target target, Instant at, int n) {
        SecureRandom random = new SecureRandom();
        List<Callable<Integer>> guesses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String mfaToken = mfa.mfaToken(target.email());
            String wrong = MfaClient.wrongCode(target.secret(), at, random.nextInt());
            guesses.add(() -> mfa.otpGrant(mfaToken, wrong).status());
        }
        List<Integer> statuses = new ArrayList<>();
        // One thread per guess, so that all of them are in flight together.
        try (ExecutorService all = Executors.newFixedThreadPool(n)) {
            for (Future<Integer> status : all.invokeAll(guesses)) {
                statuses.add(status.get());
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("A guess failed: " + e, e);
        }
        return statuses;
    }

    private static List<Integer> wrongGuessesAtOnce(Target target, Instant at, int n) {
        List<Callable<Integer>> guesses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int grant = i % 3;
            guesses.add(() -> wrongGuess(target, at, grant).status());
        }
        List<Integer> statuses = new ArrayList<>();
        try {
            for (Future<Integer> status : POOL.invokeAll(guesses)) {
                statuses.add(status.get());
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("A guess failed: " + e, e);
        }
        return statuses;
    }

    /** One wrong guess through one grant, on a fresh mfa_token. */
    private static Http.Answer wrongGuess(Target target, Instant at, int grant) {
        String mfaToken = mfa.mfaToken(target.email());
        SecureRandom random = new SecureRandom();
        return switch (grant) {
            case 0 -> mfa.otpGrant(mfaToken,
                    MfaClient.wrongCode(target.secret(), at, random.nextInt()));
            case 1 -> {
                Http.Answer challenge = mfa.challenge(mfaToken, "oob", null);
                assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
                Set<String> sent = Set.copyOf(mfa.recentCodes(target.phone(), 20));
                String wrong;
                do {
                    wrong = String.format("%06d", random.nextInt(1_000_000));
                } while (sent.contains(wrong));
                yield mfa.oobGrant(mfaToken, challenge.text("oob_code"), wrong);
            }
            default -> mfa.recoveryGrant(mfaToken, randomRecoveryCode(random));
        };
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
