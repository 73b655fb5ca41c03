package dev.twofold.oauth.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.login.HostedLoginClient;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code grant_type=authorization_code} at {@code POST /oauth/token} (RFC 6749 §4.1.3). */
class AuthorizationCodeGrantTest {

    // RFC 7636 Appendix B.
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().publicClient();
        server.fixtures().confidentialClient();
        server.fixtures().alice();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String code(String clientId, boolean pkce, String nonce) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", clientId);
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid profile offline_access");
        parameters.put("nonce", nonce);
        if (pkce) {
            parameters.put("code_challenge", CHALLENGE);
            parameters.put("code_challenge_method", "S256");
        }
        String location = new HostedLoginClient(server.issuer()).login(parameters,
                Fixtures.ALICE, Fixtures.ALICE_PASSWORD);
        return HostedLoginClient.query(location).get("code");
    }

    private static Http.Answer exchange(String code, String... overrides) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("client_id", "spa");
        body.put("code", code);
        body.put("redirect_uri", Fixtures.REDIRECT_URI);
        body.put("code_verifier", VERIFIER);
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                body.remove(overrides[i]);
            } else {
                body.put(overrides[i], overrides[i + 1]);
            }
        }
        return server.http().postForm("/oauth/token", body);
    }

    private static void assertInvalidGrant(Http.Answer answer, String described) {
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_grant");
        assertThat(answer.text("error_description")).contains(described);
    }

    @Test
    void exchangeWhenValidThenIdTokenCarriesNonceAmrAndAuthTime() throws Exception {
        Http.Answer answer = exchange(code("spa", true, "n-0S6_WzA2Mj"));

        assertThat(answer.status()).isEqualTo(200);
        JWTClaimsSet idToken = SignedJWT.parse(answer.text("id_token")).getJWTClaimsSet();
        assertThat(idToken.getStringClaim("nonce")).isEqualTo("n-0S6_WzA2Mj");
        assertThat(idToken.getStringListClaim("amr")).containsExactly("pwd");
        assertThat(idToken.getAudience()).containsExactly("spa");
        assertThat(idToken.getLongClaim("auth_time")).isNotNull();
        assertThat(answer.text("refresh_token")).startsWith("rt_");
    }

    @Test
    void refreshWhenCodeNotReplayedThenWorks() {
        Http.Answer first = exchange(code("spa", true, "n2"));

        Http.Answer refresh = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "refresh_token", "client_id", "spa",
                "refresh_token", first.text("refresh_token")));

        assertThat(refresh.status()).isEqualTo(200);
    }

    @Test
    void exchangeWhenCodeReplayedThenInvalidGrantAndIssuedRefreshTokenRevoked() {
        String code = code("spa", true, "n1");
        Http.Answer first = exchange(code);

        Http.Answer replay = exchange(code);
        Http.Answer refresh = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "refresh_token", "client_id", "spa",
                "refresh_token", first.text("refresh_token")));

        assertThat(first.status()).isEqualTo(200);
        assertInvalidGrant(replay, "already used");
        assertThat(refresh.status()).isEqualTo(400);
        assertThat(refresh.text("error")).isEqualTo("invalid_grant");
    }

    @Test
    void exchangeWhenRedirectUriDiffersThenInvalidGrant() {
        Http.Answer answer = exchange(code("spa", true, "n"),
                "redirect_uri", "https://app.example.com/other");

        assertInvalidGrant(answer, "redirect_uri differs");
    }

    @Test
    void exchangeWhenRedirectUriMissingThenInvalidGrant() {
        assertInvalidGrant(exchange(code("spa", true, "n"), "redirect_uri", null),
                "redirect_uri is missing");
    }

    @Test
    void exchangeWhenAnotherClientSendsTheCodeThenInvalidGrant() {
        Http.Answer answer = exchange(code("spa", true, "n"), "client_id", "c1",
                "client_secret", "s1-secret");

        assertInvalidGrant(answer, "another client");
    }

    @Test
    void exchangeWhenVerifierMissingThenInvalidGrant() {
        assertInvalidGrant(exchange(code("spa", true, "n"), "code_verifier", null),
                "code_verifier is missing");
    }

    @Test
    void exchangeWhenCodeOlderThanSixtySecondsThenInvalidGrant() {
        String code = code("spa", true, "n");
        server.clock().advance(Duration.ofSeconds(61));
        try {
            assertInvalidGrant(exchange(code), "expired");
        } finally {
            server.clock().advance(Duration.ofSeconds(-61));
        }
    }

    @Test
    void exchangeWhenCodeUnknownThenInvalidGrant() {
        assertInvalidGrant(exchange("ac_" + "x".repeat(43)), "not known");
    }

    @Test
    void exchangeWhenRefreshTokenSentAsCodeThenDescriptionNamesTheMistake() {
        assertInvalidGrant(exchange("rt_" + "x".repeat(43)), "code is a refresh token, not an"
                + " authorization code");
    }

    @Test
    void exchangeWhenConfidentialClientWithoutPkceThenTokens() {
        Http.Answer answer = exchange(code("c1", false, "n"), "client_id", "c1",
                "client_secret", "s1-secret", "code_verifier", null);

        assertThat(answer.status()).isEqualTo(200);
    }

    @Test
    void exchangeWhenVerifierSentButNoChallengeWasThenInvalidGrant() {
        Http.Answer answer = exchange(code("c1", false, "n"), "client_id", "c1",
                "client_secret", "s1-secret");

        assertInvalidGrant(answer, "had no code_challenge");
    }

    @Test
    void exchangeWhenSentConcurrentlyThenExactlyOneSucceeds() throws Exception {
        String code = code("spa", true, "n");
        Callable<Integer> attempt = () -> exchange(code).status();

        List<Integer> statuses;
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Integer>> futures = pool.invokeAll(List.of(attempt, attempt, attempt,
                    attempt));
            statuses = futures.stream().map(future -> {
                try {
                    return future.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }

        assertThat(statuses).containsOnly(200, 400);
        assertThat(statuses).filteredOn(status -> status == 200).hasSize(1);
    }
}
