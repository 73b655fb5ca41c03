package dev.twofold.oauth.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CASES.md BUG-19: a rotated refresh token presented again revokes its whole family; of two
 * simultaneous refreshes with one token exactly one wins. The login is the password grant
 * (the authorization-code login of the case belongs to the authorize tests).
 */
class Bug19RefreshReplayTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().alice();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer login() {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret",
                "scope", "openid offline_access"));
    }

    private static Http.Answer refresh(String refreshToken) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", "c1", "client_secret", "s1-secret"));
    }

    private static Http.Answer introspect(String token) {
        return server.http().postForm("/oauth/introspect", Map.of("token", token,
                "client_id", "c1", "client_secret", "s1-secret"));
    }

    private static void assertInvalidGrant(Http.Answer answer) {
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.text("error")).isEqualTo("invalid_grant");
        assertThat(answer.text("error_description")).isNotBlank();
    }

    @Test
    void refreshWhenRotatedTokenReplayedThenWholeFamilyRevoked() {
        Http.Answer first = login();
        String rt0 = first.text("refresh_token");
        assertThat(introspect(first.text("access_token")).json().get("active").asBoolean())
                .isTrue();

        Http.Answer step2 = refresh(rt0);
        String rt1 = step2.text("refresh_token");
        Http.Answer step3 = refresh(rt0);
        Http.Answer step4 = refresh(rt1);
        Http.Answer step5 = introspect(step2.text("access_token"));

        assertThat(step2.status()).isEqualTo(200);
        assertThat(rt1).startsWith("rt_").isNotEqualTo(rt0);
        assertInvalidGrant(step3);
        assertInvalidGrant(step4);
        assertThat(step5.status()).isEqualTo(200);
        assertThat(step5.json().get("active").asBoolean()).isFalse();
        assertThat(introspect(first.text("access_token")).json().get("active").asBoolean())
                .isFalse();
        assertThat(introspect(rt1).json().get("active").asBoolean()).isFalse();
    }

    @Test
    void refreshWhenKeepingTheLoginThenAmrAndAuthTimeSurvive() throws Exception {
        Http.Answer first = login();

        Http.Answer refreshed = refresh(first.text("refresh_token"));

        var before = com.nimbusds.jwt.SignedJWT.parse(first.text("id_token")).getJWTClaimsSet();
        var after = com.nimbusds.jwt.SignedJWT.parse(refreshed.text("id_token"))
                .getJWTClaimsSet();
        assertThat(after.getStringListClaim("amr")).containsExactly("pwd");
        assertThat(after.getLongClaim("auth_time")).isEqualTo(before.getLongClaim("auth_time"));
        assertThat(after.getSubject()).isEqualTo(before.getSubject());
    }

    @Test
    void refreshWhenTwoRequestsRaceWithOneTokenThenExactlyOneWins() throws Exception {
        for (int round = 0; round < 5; round++) {
            String rta = login().text("refresh_token");
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Http.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return refresh(rta);
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Http.Answer> answer : answers) {
                Http.Answer done = answer.get();
                statuses.add(done.status());
                if (done.status() != 200) {
                    assertInvalidGrant(done);
                }
            }
            pool.shutdown();

            assertThat(statuses).containsExactlyInAnyOrder(200, 400);
        }
    }
}
