package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.login.HostedLoginClient;
import dev.twofold.store.Client;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Security headers on every kind of answer, CORS only for the origins clients list, and the
 * flags of the hosted pages' cookies.
 */
class HeadersAndCorsTest {

    private static final String APP_ORIGIN = "https://app.example.com";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().publicClient();
        server.fixtures().alice();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http http() {
        return server.http();
    }

    private static Http.Answer passwordLogin() {
        return http().postForm("/oauth/token", Map.of("grant_type", "password",
                "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret", "scope", "openid"));
    }

    private static List<Http.Answer> answersOfEveryKind() {
        List<Http.Answer> answers = new ArrayList<>();
        answers.add(http().get("/.well-known/openid-configuration"));
        answers.add(http().get("/.well-known/jwks.json"));
        answers.add(passwordLogin());
        answers.add(http().postForm("/oauth/token", Map.of("grant_type", "password")));
        answers.add(http().get("/no/such/endpoint"));
        answers.add(http().raw("PUT", "/oauth/token", null, null));
        answers.add(http().get("/api/v2/clients"));
        answers.add(http().get("/mfa/authenticators"));
        answers.add(http().get("/authorize?client_id=nobody"));
        answers.add(http().get("/health/ready"));
        return answers;
    }

    @Test
    void everyAnswerWhenAnyEndpointThenCarriesNosniffFrameAndReferrerHeaders() {
        for (Http.Answer answer : answersOfEveryKind()) {
            assertThat(answer.header("X-Content-Type-Options")).as(answer.body())
                    .isEqualTo("nosniff");
            assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(answer.header("Referrer-Policy")).isEqualTo("no-referrer");
        }
    }

    @Test
    void tokenAnswersWhenSuccessOrErrorThenNoStore() {
        Http.Answer success = passwordLogin();
        Http.Answer error = http().postForm("/oauth/token", Map.of("grant_type", "password",
                "client_id", "c1", "client_secret", "wrong"));

        assertThat(success.status()).isEqualTo(200);
        assertThat(error.status()).isEqualTo(401);
        for (Http.Answer answer : List.of(success, error)) {
            assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
            assertThat(answer.header("Pragma")).isEqualTo("no-cache");
        }
    }

    @Test
    void hostedLoginWhenPageShownThenCspForbidsFramingAndCookiesAreHttpOnlyLax() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        Http.Answer start = browser.authorize(authorizeParameters());
        assertThat(start.status()).as(start.body()).isEqualTo(302);
        Http.Answer page = browser.get(start.header("Location"));

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        List<String> cookies = new ArrayList<>(start.headers().allValues("Set-Cookie"));
        cookies.addAll(page.headers().allValues("Set-Cookie"));
        assertThat(cookies).isNotEmpty();
        for (String cookie : cookies) {
            assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/");
            HttpCookie parsed = HttpCookie.parse("Set-Cookie: " + cookie).get(0);
            assertThat(parsed.getDomain()).as("no Domain attribute").isNull();
        }
    }

    @Test
    void hostedLoginWhenIssuerIsHttpsThenCookiesAreSecureWithHostPrefix() {
        try (TestServer https = TestServer.start(Map.of("TWOFOLD_ISSUER",
                "https://login.example.com/"))) {
            https.fixtures().publicClient();
            Http.Answer start = https.http().get("/authorize?" + Http.form(authorizeParameters()));
            assertThat(start.status()).as(start.body()).isEqualTo(302);
            List<String> cookies = start.headers().allValues("Set-Cookie");
            assertThat(cookies).isNotEmpty();
            for (String cookie : cookies) {
                assertThat(cookie).startsWith("__Host-").contains("; Secure")
                        .contains("HttpOnly").contains("Path=/").doesNotContain("Domain");
            }
        }
    }

    private static Map<String, String> authorizeParameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", "spa");
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid");
        parameters.put("state", "st-1");
        parameters.put("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        parameters.put("code_challenge_method", "S256");
        return parameters;
    }

    private static Http.Answer preflight(String path, String origin) {
        return http().send(HttpRequest.newBuilder(URI.create(server.http() == null ? ""
                        : baseUrl() + path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, authorization")
                .build());
    }

    private static String baseUrl() {
        return "http://127.0.0.1:" + server.server().port();
    }

    @Test
    void corsWhenOriginIsListedByAClientThenPreflightAndAnswerAllowIt() {
        for (String path : List.of("/oauth/token", "/userinfo", "/mfa/challenge",
                "/mfa/authenticators")) {
            Http.Answer preflight = preflight(path, APP_ORIGIN);
            assertThat(preflight.status()).as(path).isEqualTo(204);
            assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(APP_ORIGIN);
            assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
            assertThat(preflight.header("Access-Control-Allow-Headers").toLowerCase())
                    .contains("content-type").contains("authorization");
            assertThat(preflight.header("Access-Control-Allow-Credentials")).isNull();
        }
        Http.Answer token = http().send(HttpRequest.newBuilder(URI.create(baseUrl()
                        + "/oauth/token"))
                .header("Origin", APP_ORIGIN)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form(Map.of("grant_type",
                        "password", "username", Fixtures.ALICE, "password",
                        Fixtures.ALICE_PASSWORD, "client_id", "c1", "client_secret",
                        "s1-secret")))).build());
        assertThat(token.status()).isEqualTo(200);
        assertThat(token.header("Access-Control-Allow-Origin")).isEqualTo(APP_ORIGIN);
    }

    @Test
    void corsWhenOriginIsNotListedThenNoCorsHeadersAtAll() {
        for (String origin : List.of("https://evil.example.com", "https://app.example.com.evil",
                "http://app.example.com", "null", "https://app.example.co")) {
            for (String path : List.of("/oauth/token", "/mfa/challenge")) {
                Http.Answer preflight = preflight(path, origin);
                assertThat(preflight.header("Access-Control-Allow-Origin")).as(origin).isNull();
                assertThat(preflight.header("Access-Control-Allow-Methods")).isNull();
            }
            Http.Answer answer = http().raw("POST", "/oauth/token",
                    "application/x-www-form-urlencoded", "grant_type=password", "Origin",
                    origin);
            assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
        }
    }

    /**
     * The origin of another client's app: a preflight carries no client, so it may pass, but
     * the actual answer to client c1 must not be readable there, whatever c1's request
     * produced (tokens, an mfa_required error, an MFA API answer).
     */
    @Test
    void corsWhenOriginIsListedOnlyByAnotherClientThenTheAnswerIsNotReadableThere() {
        String otherOrigin = "https://other.example.com";
        Client other = server.fixtures().confidentialClient("c-other", "other-secret",
                "client_secret_post");
        server.server().services().clients().save(new Client(other.clientId(), other.name(),
                other.appType(), other.secretHash(), other.tokenEndpointAuthMethod(),
                other.grantTypes(), other.redirectUris(), other.logoutUrls(),
                List.of(otherOrigin), other.mfaPolicy(), other.firstParty(),
                other.metadataJson(), other.createdAt(), other.updatedAt()));
        assertThat(preflight("/oauth/token", otherOrigin).header(
                "Access-Control-Allow-Origin")).isEqualTo(otherOrigin);

        Http.Answer asC1 = http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded", Http.form(Map.of("grant_type", "password",
                        "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                        "client_id", "c1", "client_secret", "s1-secret")), "Origin", otherOrigin);
        Http.Answer asOther = http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded", Http.form(Map.of("grant_type", "password",
                        "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                        "client_id", "c-other", "client_secret", "other-secret")),
                "Origin", otherOrigin);
        Http.Answer c1AtItsOwnOrigin = http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded", Http.form(Map.of("grant_type", "password",
                        "username", Fixtures.ALICE, "password", "wrong-password",
                        "client_id", "c1", "client_secret", "s1-secret")), "Origin", APP_ORIGIN);

        assertThat(asC1.status()).isEqualTo(200);
        assertThat(asC1.header("Access-Control-Allow-Origin")).isNull();
        assertThat(asC1.header("Vary")).contains("Origin");
        assertThat(asOther.status()).isEqualTo(200);
        assertThat(asOther.header("Access-Control-Allow-Origin")).isEqualTo(otherOrigin);
        // An error after the client was authenticated is still readable by its own app.
        assertThat(c1AtItsOwnOrigin.status()).isBetween(400, 403);
        assertThat(c1AtItsOwnOrigin.header("Access-Control-Allow-Origin")).isEqualTo(APP_ORIGIN);
    }

    @Test
    void corsWhenEndpointIsNotForBrowsersThenNoCorsHeadersEvenForListedOrigin() {
        Http.Answer management = http().raw("GET", "/api/v2/clients", null, null, "Origin",
                APP_ORIGIN);
        Http.Answer discovery = http().raw("GET", "/.well-known/openid-configuration", null,
                null, "Origin", APP_ORIGIN);

        assertThat(management.header("Access-Control-Allow-Origin")).isNull();
        assertThat(discovery.header("Access-Control-Allow-Origin")).isNull();
    }
}
