package dev.twofold.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.HttpCookie;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /v2/logout} (Auth0) and {@code GET /oidc/logout} (RP-Initiated Logout 1.0). */
class LogoutTest {

    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private static final String LOGOUT_URL = "https://app.example.com/";
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

    private static Map<String, String> request() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", "spa");
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid");
        parameters.put("code_challenge", CHALLENGE);
        parameters.put("code_challenge_method", "S256");
        return parameters;
    }

    /** A browser signed in as alice; returns its code. */
    private static String signIn(HostedLoginClient browser) {
        String location = browser.login(request(), Fixtures.ALICE, Fixtures.ALICE_PASSWORD);
        return HostedLoginClient.query(location).get("code");
    }

    private static String idToken(String code) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "authorization_code",
                "client_id", "spa", "code", code, "redirect_uri", Fixtures.REDIRECT_URI,
                "code_verifier", VERIFIER)).text("id_token");
    }

    private static HttpCookie sessionCookie(HostedLoginClient browser) {
        return browser.cookies().getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("twofold_session")).findFirst()
                .orElseThrow();
    }

    private static void assertSignedOut(HttpCookie oldCookie) {
        HostedLoginClient replaying = new HostedLoginClient(server.issuer());
        replaying.cookies().getCookieStore().add(URI.create(server.issuer()), oldCookie);

        Http.Answer answer = replaying.authorize(request());

        assertThat(answer.header("Location")).startsWith(server.issuer() + "login?");
    }

    @Test
    void sessionCookieWhenCopiedToAnotherClientBeforeLogoutThenStillSignedIn() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        signIn(browser);
        HostedLoginClient copy = new HostedLoginClient(server.issuer());
        copy.cookies().getCookieStore().add(URI.create(server.issuer()), sessionCookie(browser));

        Http.Answer answer = copy.authorize(request());

        assertThat(answer.header("Location")).startsWith(Fixtures.REDIRECT_URI + "?code=");
    }

    @Test
    void auth0LogoutWhenNoReturnToThenLoggedOutPageAndSessionRevoked() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        signIn(browser);
        HttpCookie cookie = sessionCookie(browser);

        Http.Answer answer = browser.get(server.issuer() + "v2/logout");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("You are logged out");
        assertThat(answer.headers().allValues("Set-Cookie"))
                .anyMatch(value -> value.startsWith("twofold_session=;")
                        && value.contains("Max-Age=0"));
        assertSignedOut(cookie);
    }

    @Test
    void auth0LogoutWhenReturnToAllowedThenRedirected() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        signIn(browser);
        HttpCookie cookie = sessionCookie(browser);

        Http.Answer answer = browser.get(server.issuer() + "v2/logout?"
                + Http.form(Map.of("client_id", "spa", "returnTo", LOGOUT_URL)));

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.header("Location")).isEqualTo(LOGOUT_URL);
        assertSignedOut(cookie);
    }

    @Test
    void auth0LogoutWhenReturnToNotAllowedThenErrorPageAndNoRedirect() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());

        Http.Answer answer = browser.get(server.issuer() + "v2/logout?"
                + Http.form(Map.of("client_id", "spa", "returnTo", "https://evil.example/")));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Location")).isNull();
        assertThat(answer.body()).contains("allowed logout URLs");
    }

    /** The parameters of GET /v2/logout are in the query string, and a refusal says so. */
    @Test
    void auth0LogoutWhenQueryNotUtf8ThenErrorPageNamingTheQueryString() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());

        Http.Answer answer = browser.get(server.issuer() + "v2/logout?client_id=spa&returnTo=%FF");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Location")).isNull();
        assertThat(answer.body()).contains("query string is not valid UTF-8")
                .doesNotContain("form body");
    }

    @Test
    void auth0LogoutWhenReturnToWithoutClientIdThenErrorPage() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());

        Http.Answer answer = browser.get(server.issuer() + "v2/logout?"
                + Http.form(Map.of("returnTo", LOGOUT_URL)));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Location")).isNull();
    }

    @Test
    void oidcLogoutWhenIdTokenHintAndAllowedRedirectThenRedirectedWithState() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String idToken = idToken(signIn(browser));
        HttpCookie cookie = sessionCookie(browser);

        Http.Answer answer = browser.get(server.issuer() + "oidc/logout?" + Http.form(Map.of(
                "id_token_hint", idToken, "post_logout_redirect_uri", LOGOUT_URL,
                "state", "bye 1")));

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.header("Location")).isEqualTo(LOGOUT_URL + "?state=bye%201");
        assertSignedOut(cookie);
    }

    @Test
    void oidcLogoutWhenIdTokenHintForgedThenErrorPage() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String idToken = idToken(signIn(browser));
        String[] parts = idToken.split("\\.");
        char original = parts[2].charAt(10);
        char replacement = original == 'A' ? 'B' : 'A';
        String forged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10)
                + replacement + parts[2].substring(11);
        assertThat(forged).isNotEqualTo(idToken);

        Http.Answer answer = browser.get(server.issuer() + "oidc/logout?" + Http.form(Map.of(
                "id_token_hint", forged, "post_logout_redirect_uri", LOGOUT_URL)));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Location")).isNull();
        assertThat(answer.body()).contains("id_token_hint");
    }

    @Test
    void oidcLogoutWhenRedirectWithoutClientThenErrorPage() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());

        Http.Answer answer = browser.get(server.issuer() + "oidc/logout?" + Http.form(Map.of(
                "post_logout_redirect_uri", LOGOUT_URL)));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Location")).isNull();
    }

    @Test
    void oidcLogoutWhenClientIdAndAllowedRedirectThenRedirected() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());

        Http.Answer answer = browser.get(server.issuer() + "oidc/logout?" + Http.form(Map.of(
                "client_id", "spa", "post_logout_redirect_uri", LOGOUT_URL)));

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.header("Location")).isEqualTo(LOGOUT_URL);
    }
}
