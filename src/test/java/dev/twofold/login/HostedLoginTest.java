package dev.twofold.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.HttpCookie;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hosted login page over plain HTTP: form, CSRF, cookies, CSP, sessions, prompt. */
class HostedLoginTest {

    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
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

    private static Map<String, String> request(String... extra) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", "spa");
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid");
        parameters.put("state", "s1");
        parameters.put("code_challenge", CHALLENGE);
        parameters.put("code_challenge_method", "S256");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            parameters.put(extra[i], extra[i + 1]);
        }
        return parameters;
    }

    private static HostedLoginClient.LoginForm openForm(HostedLoginClient browser,
                                                        Map<String, String> parameters) {
        Http.Answer start = browser.authorize(parameters);
        assertThat(start.status()).isEqualTo(302);
        assertThat(start.header("Location")).startsWith(server.issuer() + "login?request=");
        return browser.openLogin(start.header("Location"));
    }

    private static Optional<HttpCookie> cookie(HostedLoginClient browser, String name) {
        return browser.cookies().getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals(name)).findFirst();
    }

    @Test
    void loginPageWhenShownThenFormHasLabelsAutocompleteAndCsrf() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());

        HostedLoginClient.LoginForm form = openForm(browser, request());

        assertThat(form.csrf()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(form.html()).contains("<label for=\"email\">", "<label for=\"password\">",
                "autocomplete=\"username\"", "autocomplete=\"current-password\"",
                "name=\"viewport\"", "method=\"post\"", "Public spa");
        assertThat(form.html()).doesNotContain("<script", "<img", "<iframe");
        Matcher urls = Pattern
                .compile("(?:href|src|action)=\"([^\"]*)\"").matcher(form.html());
        int count = 0;
        while (urls.find()) {
            assertThat(urls.group(1)).startsWith(server.issuer());
            count++;
        }
        assertThat(count).isEqualTo(3);
    }

    @Test
    void loginPageWhenShownThenStrictContentSecurityPolicy() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        Http.Answer start = browser.authorize(request());

        Http.Answer page = browser.get(start.header("Location"));

        assertThat(page.header("Content-Security-Policy")).isEqualTo("default-src 'none';"
                + " style-src 'self'; img-src 'self' data:; form-action 'self'"
                + " https://app.example.com; frame-ancestors 'none'; base-uri 'none'");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void loginHintWhenSentThenEmailFieldIsPrefilledAndEscaped() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());

        HostedLoginClient.LoginForm form = openForm(browser,
                request("login_hint", "bob\"><b>@example.com"));

        assertThat(form.html()).contains("value=\"bob&quot;&gt;&lt;b&gt;@example.com\"");
        assertThat(form.html()).doesNotContain("<b>@");
    }

    @Test
    void loginWhenPasswordRightThenRedirectWithCodeAndStateAndSessionCookie() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        HostedLoginClient.LoginForm form = openForm(browser, request());

        Http.Answer answer = browser.submit(form, "ALICE@Example.com", Fixtures.ALICE_PASSWORD);

        assertThat(answer.status()).isEqualTo(302);
        Map<String, String> query = HostedLoginClient.query(answer.header("Location"));
        assertThat(query.get("code")).startsWith("ac_");
        assertThat(query.get("state")).isEqualTo("s1");
        String setCookie = answer.headers().allValues("Set-Cookie").stream()
                .filter(value -> value.startsWith("twofold_session=")).findFirst().orElseThrow();
        assertThat(setCookie).startsWith("twofold_session=ses_")
                .contains("; Path=/", "; HttpOnly", "; SameSite=Lax").doesNotContain("Secure");
    }

    @Test
    void loginWhenPasswordWrongThenSamePageWithGenericError() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        HostedLoginClient.LoginForm form = openForm(browser, request());

        Http.Answer wrongPassword = browser.submit(form, Fixtures.ALICE, "wrong-password");
        Http.Answer unknownUser = browser.submit(form, "nobody@example.com", "wrong-password");

        assertThat(wrongPassword.status()).isEqualTo(200);
        assertThat(wrongPassword.body()).contains("Wrong email or password.",
                "name=\"password\"");
        assertThat(unknownUser.status()).isEqualTo(200);
        assertThat(unknownUser.body()).contains("Wrong email or password.");
        assertThat(wrongPassword.header("Location")).isNull();
        assertThat(cookie(browser, "twofold_session")).isEmpty();
    }

    @Test
    void loginWhenCsrfTokenWrongThenRefused() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        HostedLoginClient.LoginForm form = openForm(browser, request());
        HostedLoginClient.LoginForm forged = new HostedLoginClient.LoginForm(form.request(),
                "A".repeat(43), form.html());

        Http.Answer answer = browser.submit(forged, Fixtures.ALICE, Fixtures.ALICE_PASSWORD);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.header("Location")).isNull();
    }

    @Test
    void loginWhenPostedFromAnotherBrowserThenRefused() {
        HostedLoginClient victim = new HostedLoginClient(server.issuer());
        HostedLoginClient.LoginForm form = openForm(victim, request());
        HostedLoginClient attacker = new HostedLoginClient(server.issuer());

        Http.Answer answer = attacker.submit(form, Fixtures.ALICE, Fixtures.ALICE_PASSWORD);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).contains("another browser");
    }

    @Test
    void loginWhenFormSubmittedTwiceThenSecondIsRefused() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        HostedLoginClient.LoginForm form = openForm(browser, request());

        Http.Answer first = browser.submit(form, Fixtures.ALICE, Fixtures.ALICE_PASSWORD);
        Http.Answer second = browser.submit(form, Fixtures.ALICE, Fixtures.ALICE_PASSWORD);

        assertThat(first.status()).isEqualTo(302);
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.header("Location")).isNull();
    }

    @Test
    void authorizeWhenSessionLiveThenCodeWithoutForm() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        browser.login(request(), Fixtures.ALICE, Fixtures.ALICE_PASSWORD);

        Http.Answer again = browser.authorize(request("state", "s2"));

        assertThat(again.status()).isEqualTo(302);
        Map<String, String> query = HostedLoginClient.query(again.header("Location"));
        assertThat(query.get("code")).startsWith("ac_");
        assertThat(query.get("state")).isEqualTo("s2");
    }

    @Test
    void authorizeWhenPromptLoginThenFormDespiteSession() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        browser.login(request(), Fixtures.ALICE, Fixtures.ALICE_PASSWORD);

        Http.Answer again = browser.authorize(request("prompt", "login"));

        assertThat(again.header("Location")).startsWith(server.issuer() + "login?request=");
    }

    @Test
    void authorizeWhenMaxAgeExceededThenFormAgain() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        browser.login(request(), Fixtures.ALICE, Fixtures.ALICE_PASSWORD);
        server.clock().advance(Duration.ofSeconds(120));
        try {
            Http.Answer within = browser.authorize(request("max_age", "3600"));
            Http.Answer exceeded = browser.authorize(request("max_age", "60"));

            assertThat(within.header("Location")).startsWith(Fixtures.REDIRECT_URI + "?code=");
            assertThat(exceeded.header("Location")).startsWith(server.issuer() + "login?");
        } finally {
            server.clock().advance(Duration.ofSeconds(-120));
        }
    }

    @Test
    void authorizeWhenPromptNoneWithoutSessionThenLoginRequired() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());

        Http.Answer answer = browser.authorize(request("prompt", "none"));

        assertThat(answer.status()).isEqualTo(302);
        Map<String, String> query = HostedLoginClient.query(answer.header("Location"));
        assertThat(query.get("error")).isEqualTo("login_required");
        assertThat(query.get("state")).isEqualTo("s1");
    }

    @Test
    void authorizeWhenPromptNoneWithSessionThenCode() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        browser.login(request(), Fixtures.ALICE, Fixtures.ALICE_PASSWORD);

        Http.Answer answer = browser.authorize(request("prompt", "none"));

        assertThat(HostedLoginClient.query(answer.header("Location")).get("code"))
                .startsWith("ac_");
    }

    @Test
    void loginPageWhenRequestUnknownThenErrorPage() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());

        Http.Answer answer = browser.get(server.issuer() + "login?request=req_nothing");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Content-Type")).startsWith("text/html");
        assertThat(answer.body()).contains("expired");
    }

    @Test
    void stylesheetWhenRequestedThenServedAsCss() {
        Http.Answer answer = server.http().get("/login/assets/login.css");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("text/css");
    }

    @Test
    void sessionCookieWhenIssuerIsHttpsThenSecureWithHostPrefix() {
        try (TestServer https = TestServer.start(Map.of("TWOFOLD_ISSUER",
                "https://login.example.com/"))) {
            https.fixtures().publicClient();
            https.fixtures().alice();
            String base = "http://127.0.0.1:" + https.server().port() + "/";
            HostedLoginClient browser = new HostedLoginClient(base);
            Http.Answer start = browser.authorize(request());
            String browserCookie = start.headers().allValues("Set-Cookie").get(0);

            assertThat(browserCookie).startsWith("__Host-twofold_browser=brw_")
                    .contains("; Secure", "; HttpOnly", "; SameSite=Lax", "; Path=/")
                    .doesNotContainIgnoringCase("Domain=");
            assertThat(List.of(start.header("Location"))).allMatch(location ->
                    location.startsWith("https://login.example.com/login?request="));
        }
    }

    @Test
    void loginWhenCodeIssuedThenUserLoginsCountAndLastLoginUpdated() {
        server.clock().advance(Duration.ofSeconds(7));
        var carol = server.fixtures().user("carol.logins@example.com", "Carol-Password-1");
        long before = server.clock().millis();
        HostedLoginClient browser = new HostedLoginClient(server.issuer());

        String location = browser.login(request(), "carol.logins@example.com",
                "Carol-Password-1");

        assertThat(location).startsWith(Fixtures.REDIRECT_URI + "?code=");
        var after = server.server().services().users().find(carol.userId()).orElseThrow();
        assertThat(after.loginsCount()).isEqualTo(carol.loginsCount() + 1);
        assertThat(after.lastLogin()).hasValueSatisfying(time ->
                assertThat(time).isGreaterThanOrEqualTo(before));
    }
}
