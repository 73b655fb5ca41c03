package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestNodes;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in one JVM on one database, every request of a flow sent to the next node:
 * enrollment, challenges and grants work across nodes, and failure counts, lock-outs, send
 * limits, replay records and spent tokens hold across them. A signing key rotated on one node
 * is served and accepted by all. {@link ManyProcessesTest} shows the same with three real
 * processes on PostgreSQL; this test stays for what needs the shared {@code TestClock} (a
 * lock-out lifted after 15 minutes, the default 15 s key cache) and for H2.
 */
class ManyNodesTest {

    private static final int MAX_FAILURES = 5;
    private static TestNodes nodes;
    private static MfaClient mfa;

    @BeforeAll
    static void start() {
        nodes = TestServer.startNodes(3, Map.of("TWOFOLD_MFA_MAX_FAILURES",
                String.valueOf(MAX_FAILURES), "TWOFOLD_MFA_LOCKOUT", "PT15M",
                "TWOFOLD_PHONE_LIMIT_PER_USER", "3/PT1H"));
        nodes.fixtures().confidentialClient();
        mfa = new MfaClient(nodes::http);
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    @AfterEach
    void unfreeze() {
        nodes.clock().unfreeze();
    }

    private static String newUser(String prefix) {
        String email = prefix + "-" + System.nanoTime() + "@example.com";
        nodes.fixtures().user(email, MfaClient.PASSWORD);
        return email;
    }

    private static Instant freezeMidStep() {
        Instant now = MfaClient.midStep(Instant.now());
        nodes.clock().freezeAt(now);
        return now;
    }

    @Test
    void otpWhenFlowSpreadOverNodesThenWorksAndCodeAndMfaTokenAreSpentEverywhere() {
        Instant now = freezeMidStep();
        String email = newUser("nodes-otp");
        MfaClient.Enrolled enrolled = mfa.enrollOtp(email, now);
        Instant next = now.plusSeconds(30);
        nodes.clock().freezeAt(next);
        String code = MfaClient.totp(enrolled.secret(), next);
        String mfaToken = mfa.mfaToken(email);

        Http.Answer first = nodes.http(0).postForm("/oauth/token", otpForm(mfaToken, code));
        Http.Answer sameCodeNode1 = nodes.http(1).postForm("/oauth/token",
                otpForm(mfa.mfaToken(email), code));
        Http.Answer spentTokenNode2 = nodes.http(2).postForm("/oauth/token",
                otpForm(mfaToken, MfaClient.totp(enrolled.secret(), next.plusSeconds(30))));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(sameCodeNode1.status()).as("replayed code on another node").isEqualTo(400);
        assertThat(spentTokenNode2.status()).as("spent mfa_token on another node")
                .isEqualTo(400);
        assertThat(spentTokenNode2.text("error")).isEqualTo("invalid_grant");
    }

    private static Map<String, String> otpForm(String mfaToken, String otp) {
        return Map.of("grant_type", dev.twofold.testing.Fixtures.MFA_OTP, "client_id", "c1",
                "client_secret", "s1-secret", "mfa_token", mfaToken, "otp", otp);
    }

    @Test
    void oobWhenChallengeOnOneNodeThenGrantOnAnotherAndReplayRefusedOnThird() {
        String phone = "+1555556" + String.format("%04d", (int) (System.nanoTime() % 10_000));
        String email = newUser("nodes-oob");
        mfa.enrollSms(email, phone);
        String mfaToken = mfa.mfaToken(email);
        Http.Answer challenge = mfa.challenge(mfaToken, "oob", null);
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
        String binding = mfa.lastCode(phone);

        Http.Answer granted = mfa.oobGrant(mfaToken, challenge.text("oob_code"), binding);
        Http.Answer replayed = mfa.oobGrant(mfaToken, challenge.text("oob_code"), binding);

        assertThat(granted.status()).as(granted.body()).isEqualTo(200);
        assertThat(replayed.status()).isEqualTo(400);
    }

    @Test
    void recoveryCodeWhenUsedOnOneNodeThenRefusedOnTheOthers() {
        Instant now = freezeMidStep();
        String email = newUser("nodes-recovery");
        String code = mfa.enrollOtp(email, now).recoveryCode();

        Http.Answer used = mfa.recoveryGrant(mfa.mfaToken(email), code);
        Http.Answer again1 = mfa.recoveryGrant(mfa.mfaToken(email), code);
        Http.Answer again2 = mfa.recoveryGrant(mfa.mfaToken(email), code);
        Http.Answer next = mfa.recoveryGrant(mfa.mfaToken(email), used.text("recovery_code"));

        assertThat(used.status()).as(used.body()).isEqualTo(200);
        assertThat(again1.status()).isEqualTo(400);
        assertThat(again2.status()).isEqualTo(400);
        assertThat(next.status()).as(next.body()).isEqualTo(200);
    }

    @Test
    void failuresWhenSpreadOverNodesThenCountTogetherAndLockEveryNode() {
        Instant now = freezeMidStep();
        String email = newUser("nodes-lock");
        MfaClient.Enrolled enrolled = mfa.enrollOtp(email, now);
        Instant later = now.plusSeconds(300);
        nodes.clock().freezeAt(later);
        String right = MfaClient.totp(enrolled.secret(), later);
        String wrong = MfaClient.wrongCode(enrolled.secret(), later, 0);

        for (int i = 0; i < MAX_FAILURES; i++) {
            Http.Answer answer = mfa.otpGrant(mfa.mfaToken(email), wrong);
            assertThat(answer.status()).as("failure " + (i + 1) + ": " + answer.body())
                    .isEqualTo(400);
        }
        for (int node = 0; node < nodes.size(); node++) {
            Http.Answer locked = nodes.http(node).postForm("/oauth/token",
                    otpForm(mfa.mfaToken(email), right));
            assertThat(locked.status()).as("node " + node + ": " + locked.body())
                    .isEqualTo(429);
            assertThat(locked.text("error")).isEqualTo("too_many_attempts");
        }
        nodes.clock().freezeAt(later.plus(Duration.ofMinutes(16)));
        String afterLock = MfaClient.totp(enrolled.secret(), later.plus(Duration.ofMinutes(16)));
        Http.Answer unlocked = mfa.otpGrant(mfa.mfaToken(email), afterLock);
        assertThat(unlocked.status()).as(unlocked.body()).isEqualTo(200);
    }

    @Test
    void sendLimitWhenChallengesSpreadOverNodesThenCountTogether() {
        String phone = "+1555557" + String.format("%04d", (int) (System.nanoTime() % 10_000));
        String email = newUser("nodes-send");
        mfa.enrollSms(email, phone);
        // The enrollment sent one message; the per-user limit is 3 per hour.
        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(mfa.challenge(mfa.mfaToken(email), "oob", null).status());
        }
        assertThat(statuses).containsExactly(200, 200, 429, 429);
    }

    @Test
    void refreshTokenWhenRotatedOnOneNodeThenReplayOnAnotherRevokesFamily() {
        String email = newUser("nodes-refresh");
        Http.Answer login = nodes.http(0).postForm("/oauth/token", Map.of("grant_type",
                "password", "username", email, "password", MfaClient.PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret",
                "scope", "openid offline_access"));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        Map<String, String> refresh = Map.of("grant_type", "refresh_token", "refresh_token",
                login.text("refresh_token"), "client_id", "c1", "client_secret", "s1-secret");

        Http.Answer rotated = nodes.http(1).postForm("/oauth/token", refresh);
        Http.Answer replayed = nodes.http(2).postForm("/oauth/token", refresh);
        Http.Answer successor = nodes.http(0).postForm("/oauth/token", Map.of("grant_type",
                "refresh_token", "refresh_token", rotated.text("refresh_token"),
                "client_id", "c1", "client_secret", "s1-secret"));

        assertThat(rotated.status()).isEqualTo(200);
        assertThat(replayed.status()).isEqualTo(400);
        assertThat(successor.status()).as("family revoked on every node").isEqualTo(400);
    }

    @Test
    void signingKeyWhenRotatedOnOneNodeThenEveryNodeSignsVerifiesAndPublishesIt()
            throws Exception {
        String email = newUser("nodes-keys");
        String newKey = nodes.node(0).server().services().signingKeys()
                .rotate(JWSAlgorithm.RS256);
        // Node 0 signs with the new key at once; the others pick it up within 15 s.
        nodes.clock().advance(Duration.ofSeconds(16));
        try {
            for (int node = 0; node < nodes.size(); node++) {
                Http.Answer jwks = nodes.http(node).get("/.well-known/jwks.json");
                assertThat(jwks.body()).as("node " + node).contains(newKey);
                Http.Answer login = nodes.http(node).postForm("/oauth/token", Map.of(
                        "grant_type", "password", "username", email,
                        "password", MfaClient.PASSWORD, "client_id", "c1",
                        "client_secret", "s1-secret", "scope", "openid"));
                assertThat(login.status()).as(login.body()).isEqualTo(200);
                String token = login.text("access_token");
                assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo(newKey);
                Http.Answer userinfo = nodes.http(node + 1).get("/userinfo", token);
                assertThat(userinfo.status()).as(userinfo.body()).isEqualTo(200);
            }
        } finally {
            nodes.clock().advance(Duration.ofSeconds(-16));
        }
    }
}
