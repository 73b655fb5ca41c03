package dev.twofold.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input on the forms of the hosted second-factor pages ({@code POST /login/mfa/enroll},
 * {@code /login/mfa/send}, {@code /login/mfa}): every refusal is a 4xx page, never a 5xx,
 * never a stack trace, and nothing is sent.
 */
class MfaHostedFormsTest {

    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().publicClient();
        server.fixtures().mfaPolicy("all-applications");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A signed-in browser on the enrollment page of a user without factors. */
    private record Page(HostedLoginClient browser, String request, String csrf) {

        /** The page a form answer shows: itself, or the page its redirect points to. */
        Http.Answer shown(Http.Answer answer) {
            String location = answer.header("Location");
            if (answer.status() / 100 != 3 || location == null) {
                return answer;
            }
            return browser.get(location.startsWith("http") ? location
                    : server.issuer() + location.replaceFirst("^/", ""));
        }

        Http.Answer post(String path, String... fields) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("request", request);
            form.put("csrf", csrf);
            for (int i = 0; i + 1 < fields.length; i += 2) {
                form.put(fields[i], fields[i + 1]);
            }
            form.values().removeIf(value -> value == null);
            return browser.postForm(server.issuer() + path, form);
        }
    }

    private static int users;

    private static Page enrollmentPage() {
        String email = "forms-" + ++users + "@example.com";
        server.fixtures().user(email, "Forms-Password-1");
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        Map<String, String> parameters = new HashMap<>(Map.of("response_type", "code",
                "client_id", "spa", "redirect_uri", Fixtures.REDIRECT_URI, "scope", "openid",
                "state", "f", "code_challenge", CHALLENGE, "code_challenge_method", "S256"));
        String location = browser.login(parameters, email, "Forms-Password-1");
        String html = browser.get(location).body();
        return new Page(browser, hidden(html, "request"), hidden(html, "csrf"));
    }

    private static String hidden(String html, String name) {
        Matcher matcher = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"")
                .matcher(html);
        assertThat(matcher.find()).as("hidden field " + name + " in " + html).isTrue();
        return matcher.group(1);
    }

    private static void assertRefused(Http.Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.body()).doesNotContain("Exception", "at dev.twofold", "at io.javalin")
                .contains("<html");
    }

    /** The headers every hosted page must carry (HostedLoginTest pins the exact CSP). */
    private static void assertSecurityHeaders(Http.Answer page, String which) {
        assertThat(page.status()).as(which + ": " + page.body()).isBetween(200, 299);
        assertThat(page.header("Content-Security-Policy")).as(which)
                .startsWith("default-src 'none';").contains("frame-ancestors 'none'",
                        "form-action 'self'", "base-uri 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.header("X-Content-Type-Options")).as(which).isEqualTo("nosniff");
        assertThat(page.header("X-Frame-Options")).as(which).isEqualTo("DENY");
        assertThat(page.header("Referrer-Policy")).as(which).isEqualTo("no-referrer");
        assertThat(page.header("Cache-Control")).as(which).isEqualTo("no-store");
    }

    @Test
    void mfaPagesWhenShownThenStrictCspAndSecurityHeadersOnEach() throws Exception {
        Page choice = enrollmentPage();
        Http.Answer choicePage = choice.browser().get(server.issuer() + "login/mfa?request="
                + choice.request());
        Http.Answer totp = enrolled(enrollmentPage(), "factor", "otp");
        Http.Answer sms = enrolled(enrollmentPage(), "factor", "sms",
                "phone_number", "+15555550193");
        Http.Answer email = enrolled(enrollmentPage(), "factor", "email");
        Page entry = enrollmentPage();
        Http.Answer recoveryEntry = entry.browser().get(server.issuer()
                + "login/mfa/recovery?request=" + entry.request());
        Page confirming = enrollmentPage();
        Http.Answer setup = enrolled(confirming, "factor", "otp");
        String secret = text(setup.body(), "id=\"totp-secret\">([^<]*)<").replace(" ", "");
        Http.Answer recoveryShown = confirming.post("login/mfa", "authenticator_id",
                hidden(setup.body(), "authenticator_id"), "otp",
                dev.twofold.mfa.MfaApi.totp(secret, server.clock().instant()));
        recoveryShown = confirming.shown(recoveryShown);

        assertSecurityHeaders(choicePage, "enrollment choice");
        assertSecurityHeaders(totp, "TOTP enrollment");
        assertSecurityHeaders(sms, "SMS enrollment code");
        assertSecurityHeaders(email, "email enrollment code");
        assertSecurityHeaders(recoveryEntry, "recovery-code entry");
        assertThat(recoveryShown.body()).as("recovery code shown")
                .contains("login/mfa/continue\">");
        assertSecurityHeaders(recoveryShown, "recovery code shown");
    }

    @Test
    void sendWhenCsrfWrongThenForbiddenAndNoSecondCodeSent() {
        Page page = enrollmentPage();
        Http.Answer code = enrolled(page, "factor", "sms", "phone_number", "+15555550194");
        int sentBefore = server.http().get("/dev/outbox?to=%2B15555550194").json().size();

        Http.Answer answer = page.post("login/mfa/send", "csrf", "A".repeat(43),
                "authenticator_id", hidden(code.body(), "authenticator_id"));

        assertThat(sentBefore).isEqualTo(1);
        assertRefused(answer, 403);
        assertThat(server.http().get("/dev/outbox?to=%2B15555550194").json()).hasSize(1);
    }

    @Test
    void recoveryFormsWhenCsrfWrongThenForbidden() {
        Page page = enrollmentPage();

        Http.Answer entry = page.post("login/mfa/recovery", "csrf", "A".repeat(43),
                "recovery_code", "ABCDEFGHJKLMNPQRSTUVWXYZ");
        Http.Answer proceed = page.post("login/mfa/continue", "csrf", "A".repeat(43),
                "saved", "yes");

        assertRefused(entry, 403);
        assertRefused(proceed, 403);
    }

    private static Http.Answer enrolled(Page page, String... fields) {
        return page.shown(page.post("login/mfa/enroll", fields));
    }

    private static String text(String html, String pattern) {
        Matcher matcher = Pattern.compile(pattern).matcher(html);
        assertThat(matcher.find()).as(pattern + " in " + html).isTrue();
        return matcher.group(1);
    }

    @Test
    void enrollWhenCsrfMissingThenForbidden() {
        Page page = enrollmentPage();

        Http.Answer answer = page.post("login/mfa/enroll", "csrf", null, "factor", "otp");

        assertRefused(answer, 403);
    }

    @Test
    void enrollWhenCsrfWrongThenForbiddenAndNothingSent() {
        Page page = enrollmentPage();

        Http.Answer answer = page.post("login/mfa/enroll", "csrf", "A".repeat(43),
                "factor", "sms", "phone_number", "+15555550190");

        assertRefused(answer, 403);
        assertThat(server.http().get("/dev/outbox?to=%2B15555550190").json()).isEmpty();
    }

    @Test
    void enrollWhenPhoneMalformedThenBadRequestWithTheErrorOnThePage() {
        Page page = enrollmentPage();

        Http.Answer answer = page.post("login/mfa/enroll", "factor", "sms",
                "phone_number", "call me maybe");

        assertRefused(answer, 400);
        assertThat(answer.body()).contains("role=\"alert\"", "not a phone number",
                "value=\"call me maybe\"");
    }

    @Test
    void enrollWhenFactorUnknownOrDisabledThenBadRequest() {
        Page page = enrollmentPage();

        assertRefused(page.post("login/mfa/enroll", "factor", "push"), 400);
        assertRefused(page.post("login/mfa/enroll", "factor", "voice",
                "phone_number", "+15555550191"), 400);
        assertRefused(page.post("login/mfa/enroll"), 400);
    }

    @Test
    void sendWhenAuthenticatorUnknownThenBadRequest() {
        Page page = enrollmentPage();

        assertRefused(page.post("login/mfa/send", "authenticator_id", "sms|dev_nothing"), 400);
        assertRefused(page.post("login/mfa/send"), 400);
    }

    @Test
    void codeWhenNotSixDigitsThenBadRequestAndPageAgain() {
        Page page = enrollmentPage();
        Http.Answer enrolled = page.post("login/mfa/enroll", "factor", "sms",
                "phone_number", "+1 555 555 0192");
        String factor = HostedLoginClient.query(enrolled.header("Location")).get("factor");

        Http.Answer answer = page.post("login/mfa", "authenticator_id", factor,
                "otp", "12ab56");

        assertThat(enrolled.status()).isEqualTo(303);
        assertRefused(answer, 400);
        assertThat(answer.body()).contains("Enter the 6 digits of the code");
    }

    @Test
    void sendWhenInsideCoolDownThenTooManyRequestsWithSecondsLeft() {
        Page page = enrollmentPage();
        Http.Answer enrolled = page.post("login/mfa/enroll", "factor", "email",
                "email", "cool-down@example.com");
        String factor = HostedLoginClient.query(enrolled.header("Location")).get("factor");
        server.clock().advance(Duration.ofSeconds(12));

        Http.Answer early = page.post("login/mfa/send", "authenticator_id", factor);
        server.clock().advance(Duration.ofSeconds(19));
        Http.Answer later = page.post("login/mfa/send", "authenticator_id", factor);

        assertRefused(early, 429);
        assertThat(early.header("Retry-After")).isEqualTo("18");
        assertThat(early.body()).contains("in 18 seconds");
        assertThat(later.status()).isEqualTo(303);
        assertThat(server.http().get("/dev/outbox?to=cool-down%40example.com").json())
                .hasSize(2);
    }

    @Test
    void postWhenParameterRepeatedThenBadRequest() {
        Page page = enrollmentPage();

        Http.Answer answer = page.browser().postForm(server.issuer() + "login/mfa/enroll",
                Map.of("request", page.request(), "csrf", page.csrf(), "factor", "otp"));
        Http.Answer repeated = page.browser().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.issuer() + "login/mfa/enroll"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("request="
                        + page.request() + "&csrf=" + page.csrf() + "&factor=otp&factor=sms"))
                .build());

        assertThat(answer.status()).isEqualTo(303);
        assertRefused(repeated, 400);
    }
}
