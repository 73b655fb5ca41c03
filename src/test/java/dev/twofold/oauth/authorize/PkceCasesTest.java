package dev.twofold.oauth.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.login.HostedLoginClient;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * BUG-17 of CASES.md: PKCE verifier length and plain vs S256 (RFC 7636 §4.1–4.6, App. B).
 * Each row logs in through the hosted page over HTTP and exchanges the code at
 * {@code POST /oauth/token}.
 */
@DisplayName("BUG-17: PKCE verifier length and plain vs S256")
class PkceCasesTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().publicClient();
        server.fixtures().alice();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** S256 computed here, independently of the code under test (RFC 7636 §4.2). */
    private static String s256(String verifier) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private static Map<String, String> authorizeParameters(String challenge, String method) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", "spa");
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid offline_access");
        parameters.put("state", "st-" + UUID.randomUUID());
        if (challenge != null) {
            parameters.put("code_challenge", challenge);
        }
        if (method != null) {
            parameters.put("code_challenge_method", method);
        }
        return parameters;
    }

    private static String codeFor(String challenge) {
        String location = new HostedLoginClient(server.issuer()).login(
                authorizeParameters(challenge, "S256"), Fixtures.ALICE, Fixtures.ALICE_PASSWORD);
        assertThat(location).startsWith(Fixtures.REDIRECT_URI + "?code=ac_");
        return HostedLoginClient.query(location).get("code");
    }

    private static Http.Answer exchange(String code, String verifier) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "authorization_code",
                "client_id", "spa", "code", code, "redirect_uri", Fixtures.REDIRECT_URI,
                "code_verifier", verifier));
    }

    @Nested
    @DisplayName("a, b, c: well-formed verifiers matching their S256 challenge get tokens")
    class ValidVerifiers {

        @Test
        void rowAWhenRfc7636AppendixBVectorThenTokens() throws Exception {
            String verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
            String challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
            assertThat(s256(verifier)).isEqualTo(challenge);

            Http.Answer answer = exchange(codeFor(challenge), verifier);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text("access_token")).isNotBlank();
            assertThat(answer.text("id_token")).isNotBlank();
            assertThat(answer.text("token_type")).isEqualTo("Bearer");
        }

        @Test
        void rowBWhenVerifierIs43CharactersThenTokens() throws Exception {
            String verifier = "A".repeat(43);
            String challenge = "DwBzhbb51LfusnSGBa_hqYSgo7-j8BTQnip4TOnlzRo";
            assertThat(s256(verifier)).isEqualTo(challenge);

            Http.Answer answer = exchange(codeFor(challenge), verifier);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text("access_token")).isNotBlank();
        }

        @Test
        void rowCWhenVerifierIs128CharactersThenTokens() throws Exception {
            String verifier = "a".repeat(64) + "B".repeat(64);
            String challenge = "wuQ3IYzPnXjIP4rzaKMGtAOCSCk1TQBP5BIZk-LCRo8";
            assertThat(s256(verifier)).isEqualTo(challenge);

            Http.Answer answer = exchange(codeFor(challenge), verifier);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text("access_token")).isNotBlank();
        }
    }

    @Nested
    @DisplayName("d, e, f: malformed verifiers fail verification and spend the code")
    class MalformedVerifiers {

        private void assertRefusedAndCodeSpent(String verifier, String challenge)
                throws Exception {
            assertThat(s256(verifier)).isEqualTo(challenge);
            String code = codeFor(challenge);

            Http.Answer first = exchange(code, verifier);
            Http.Answer again = exchange(code, verifier);

            assertThat(first.status()).isEqualTo(400);
            assertThat(first.text("error")).isEqualTo("invalid_grant");
            assertThat(first.text("error_description")).contains("43 to 128");
            assertThat(again.status()).isEqualTo(400);
            assertThat(again.text("error")).isEqualTo("invalid_grant");
        }

        @Test
        void rowDWhenVerifierIs42CharactersThenInvalidGrant() throws Exception {
            assertRefusedAndCodeSpent("A".repeat(42),
                    "2FzmRL9Ogs7gMuqlw9kDCgkCdtm643AxEr38b4_d4wc");
        }

        @Test
        void rowEWhenVerifierIs129CharactersThenInvalidGrant() throws Exception {
            assertRefusedAndCodeSpent("a".repeat(129),
                    "wSywJKLlVRzKDgj86PHF4xRVXMP-9jKe6ZSj23UhZq4");
        }

        @Test
        void rowFWhenVerifierIsUuidThenInvalidGrant() throws Exception {
            String uuid = UUID.randomUUID().toString();
            assertThat(uuid).hasSize(36);

            assertRefusedAndCodeSpent(uuid, s256(uuid));
        }

        @Test
        void wrongVerifierWhenCorrectOneSentAfterwardsThenStillInvalidGrant() throws Exception {
            String right = "R".repeat(43);
            String code = codeFor(s256(right));

            Http.Answer wrong = exchange(code, "W".repeat(43));
            Http.Answer retry = exchange(code, right);

            assertThat(wrong.status()).isEqualTo(400);
            assertThat(wrong.text("error")).isEqualTo("invalid_grant");
            assertThat(wrong.text("error_description")).contains("does not match");
            assertThat(retry.status()).isEqualTo(400);
            assertThat(retry.text("error")).isEqualTo("invalid_grant");
        }
    }

    @Nested
    @DisplayName("g, h, i: plain, an omitted method, and no challenge are refused at /authorize")
    class RefusedChallenges {

        private void assertRedirectedInvalidRequest(Map<String, String> parameters) {
            Http.Answer answer = new HostedLoginClient(server.issuer()).authorize(parameters);

            assertThat(answer.status()).isEqualTo(302);
            String location = answer.header("Location");
            assertThat(location).startsWith(Fixtures.REDIRECT_URI + "?error=invalid_request");
            Map<String, String> query = HostedLoginClient.query(location);
            assertThat(query.get("error")).isEqualTo("invalid_request");
            assertThat(query.get("state")).isEqualTo(parameters.get("state"));
            assertThat(query.get("error_description")).isNotBlank();
            assertThat(query).doesNotContainKey("code");
        }

        @Test
        void rowGWhenMethodIsPlainThenRedirectInvalidRequest() {
            String verifier = "G".repeat(43);

            assertRedirectedInvalidRequest(authorizeParameters(verifier, "plain"));
        }

        @Test
        void rowHWhenMethodIsOmittedThenRedirectInvalidRequestNotS256() {
            String verifier = "H".repeat(43);

            assertRedirectedInvalidRequest(authorizeParameters(verifier, null));
        }

        @Test
        void rowIWhenPublicClientSendsNoChallengeThenRedirectInvalidRequest() {
            assertRedirectedInvalidRequest(authorizeParameters(null, null));
        }

        @Test
        void discoveryWhenReadThenOnlyS256IsSupported() {
            Http.Answer answer = server.http().get("/.well-known/openid-configuration");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().get("code_challenge_methods_supported").toString())
                    .isEqualTo("[\"S256\"]");
        }
    }
}
