package dev.twofold.oauth.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.login.HostedLoginClient;
import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CASES.md BUG-19: a rotated refresh token presented again revokes its whole family; of two
 * simultaneous refreshes with one token exactly one wins. Step 1 is the authorization-code
 * login with MFA through the hosted pages; the other tests log in with the password grant.
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

    /** RFC 7636 appendix B: the code verifier and its S256 code challenge. */
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    /** Step 1 of the case: the hosted login, password then a TOTP code, then the code grant. */
    private static Http.Answer codeFlowLoginWithMfa() {
        MfaApi api = new MfaApi(server);
        Instant at = api.freezeMidStep();
        String email = api.newUser("b19");
        String secret = api.enrollOtp(email);
        server.clock().freezeAt(at.plus(Duration.ofSeconds(40)));
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String mfaPage = browser.login(Map.of("response_type", "code", "client_id", "c1",
                "redirect_uri", Fixtures.REDIRECT_URI, "scope", "openid offline_access",
                "state", "b19", "code_challenge", CHALLENGE, "code_challenge_method", "S256",
                "acr_values", MfaApi.ACR_MFA), email, MfaApi.PASSWORD);
        String page = browser.get(mfaPage).body();
        Http.Answer passed = browser.postForm(server.issuer() + "login/mfa", Map.of(
                "request", hidden(page, "request"), "csrf", hidden(page, "csrf"),
                "otp", MfaApi.totp(secret, server.clock().instant())));
        assertThat(passed.status()).as(passed.body()).isEqualTo(302);
        String code = HostedLoginClient.query(passed.header("Location")).get("code");
        return server.http().postForm("/oauth/token", Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", Fixtures.REDIRECT_URI, "code_verifier", VERIFIER,
                "client_id", "c1", "client_secret", "s1-secret"));
    }

    private static String hidden(String html, String name) {
        Matcher matcher = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"")
                .matcher(html);
        assertThat(matcher.find()).as("hidden field " + name + " in " + html).isTrue();
        return matcher.group(1);
    }

    @Test
    void refreshWhenCodeFlowWithMfaTokenReplayedThenWholeFamilyRevoked() {
        Http.Answer first;
        try {
            first = codeFlowLoginWithMfa();
        } finally {
            server.clock().unfreeze();
        }
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(MfaApi.claims(first.text("id_token")).get("amr").toString())
                .contains("\"mfa\"");
        String rt0 = first.text("refresh_token");

        Http.Answer step2 = refresh(rt0);
        String rt1 = step2.text("refresh_token");
        Http.Answer step3 = refresh(rt0);
        Http.Answer step4 = refresh(rt1);
        Http.Answer step5 = introspect(step2.text("access_token"));

        assertThat(step2.status()).as(step2.body()).isEqualTo(200);
        assertThat(rt1).startsWith("rt_").isNotEqualTo(rt0);
        assertInvalidGrant(step3);
        assertInvalidGrant(step4);
        assertThat(step5.json().get("active").asBoolean()).isFalse();
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
