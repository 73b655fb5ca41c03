package dev.twofold.oauth.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.login.HostedLoginClient;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input on {@code GET /authorize} (RFC 6749 §4.1.2.1): an unknown client or redirect URI
 * gets an HTML page and never a redirect; other errors are redirected with the state; nothing
 * is ever a 5xx.
 */
class AuthorizeBadInputTest {

    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().publicClient();
        server.fixtures().confidentialClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> valid() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", "spa");
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid");
        parameters.put("state", "xyz");
        parameters.put("code_challenge", CHALLENGE);
        parameters.put("code_challenge_method", "S256");
        return parameters;
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> parameters = valid();
        if (value == null) {
            parameters.remove(name);
        } else {
            parameters.put(name, value);
        }
        return parameters;
    }

    private static Http.Answer authorize(Map<String, String> parameters) {
        return new HostedLoginClient(server.issuer()).authorize(parameters);
    }

    private static void assertErrorPage(Http.Answer answer, String expectedText) {
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Location")).isNull();
        assertThat(answer.header("Content-Type")).startsWith("text/html");
        assertThat(answer.header("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(answer.body()).contains(expectedText);
    }

    private static Map<String, String> assertRedirectedError(Http.Answer answer, String error) {
        assertThat(answer.status()).isEqualTo(302);
        String location = answer.header("Location");
        assertThat(location).startsWith(Fixtures.REDIRECT_URI + "?");
        Map<String, String> query = HostedLoginClient.query(location);
        assertThat(query.get("error")).isEqualTo(error);
        assertThat(query.get("error_description")).isNotBlank();
        return query;
    }

    @Test
    void authorizeWhenClientIdMissingThenHtmlPageNoRedirect() {
        assertErrorPage(authorize(with("client_id", null)), "client_id is missing");
    }

    @Test
    void authorizeWhenQueryIsNotUtf8ThenPageNamesTheQueryStringNotABody() {
        Http.Answer answer = server.http().get("/authorize?client_id=%ff");

        assertErrorPage(answer, "query string is not valid UTF-8");
        assertThat(answer.body()).doesNotContain("request body");
    }

    @Test
    void authorizeWhenClientUnknownThenHtmlPageNoRedirect() {
        assertErrorPage(authorize(with("client_id", "nobody")), "No client has the client_id");
    }

    @Test
    void authorizeWhenRedirectUriMismatchedThenHtmlPageNoRedirect() {
        Http.Answer answer = authorize(with("redirect_uri", "https://app.example.com/cb/../evil"));

        assertErrorPage(answer, "does not exactly match");
    }

    @Test
    void authorizeWhenRedirectUriDiffersOnlyInCaseThenHtmlPageNoRedirect() {
        assertErrorPage(authorize(with("redirect_uri", "https://APP.example.com/cb")),
                "does not exactly match");
    }

    @Test
    void authorizeWhenRedirectUriMissingThenHtmlPageNoRedirect() {
        assertErrorPage(authorize(with("redirect_uri", null)), "redirect_uri is missing");
    }

    @Test
    void authorizeWhenClientIdRepeatedThenHtmlPageNoRedirect() {
        Http.Answer answer = new HostedLoginClient(server.issuer()).authorizeRaw(
                "client_id=spa&client_id=c1&response_type=code&redirect_uri="
                        + "https%3A%2F%2Fapp.example.com%2Fcb");

        assertErrorPage(answer, "sent 2 times");
    }

    @Test
    void authorizeWhenQueryHasBrokenEscapeThenHtmlPage() throws Exception {
        String response = rawGet("/authorize?client_id=spa&state=%zz&redirect_uri=x");

        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(response).doesNotContainIgnoringCase("\nLocation:");
    }

    /** A request no URI class would build: sent as bytes over a socket. */
    private static String rawGet(String target) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void authorizeWhenResponseTypeIsTokenThenRedirectUnsupportedResponseType() {
        Map<String, String> query = assertRedirectedError(
                authorize(with("response_type", "token")), "unsupported_response_type");

        assertThat(query.get("state")).isEqualTo("xyz");
    }

    @Test
    void authorizeWhenResponseTypeMissingThenRedirectInvalidRequest() {
        assertRedirectedError(authorize(with("response_type", null)), "invalid_request");
    }

    @Test
    void authorizeWhenChallengeTooShortThenRedirectInvalidRequest() {
        assertRedirectedError(authorize(with("code_challenge", "abc")), "invalid_request");
    }

    @Test
    void authorizeWhenMaxAgeNotANumberThenRedirectInvalidRequest() {
        assertRedirectedError(authorize(with("max_age", "-5")), "invalid_request");
    }

    @Test
    void authorizeWhenPromptUnknownThenRedirectInvalidRequest() {
        assertRedirectedError(authorize(with("prompt", "sometimes")), "invalid_request");
    }

    @Test
    void authorizeWhenAudienceUnknownThenRedirectAccessDenied() {
        assertRedirectedError(authorize(with("audience", "https://no.such.api/")),
                "access_denied");
    }

    @Test
    void authorizeWhenRequestObjectSentThenRedirectRequestNotSupported() {
        assertRedirectedError(authorize(with("request", "eyJhbGciOiJub25lIn0.e30.")),
                "request_not_supported");
    }

    @Test
    void authorizeWhenStateRepeatedThenRedirectWithoutState() {
        Http.Answer answer = new HostedLoginClient(server.issuer()).authorizeRaw(
                Http.form(valid()) + "&state=other");

        Map<String, String> query = assertRedirectedError(answer, "invalid_request");
        assertThat(query).doesNotContainKey("state");
    }

    @Test
    void authorizeWhenStateLongerThanAcceptedThenRedirectInvalidRequest() {
        assertRedirectedError(authorize(with("state", "s".repeat(1500))), "invalid_request");
    }

    @Test
    void authorizeWhenQueryIsHugeThenClientErrorNotServerError() {
        Http.Answer answer = authorize(with("nonce", "n".repeat(20_000)));

        assertThat(answer.status()).isBetween(400, 499);
    }

    @Test
    void authorizeWhenParametersHoldControlAndUnicodeCharactersThenNoServerError() {
        Http.Answer answer = authorize(with("login_hint", "\u0000<script>\u202e\uD83D\uDE00"));

        assertThat(answer.status()).isBetween(300, 499);
    }

    @Test
    void authorizeWhenNoQueryAtAllThenHtmlPage() {
        Http.Answer answer = new HostedLoginClient(server.issuer()).get(server.issuer()
                + "authorize");

        assertErrorPage(answer, "client_id is missing");
    }

    @Test
    void authorizeWhenConfidentialClientOmitsChallengeThenLoginPage() {
        Map<String, String> parameters = with("client_id", "c1");
        parameters.remove("code_challenge");
        parameters.remove("code_challenge_method");

        Http.Answer answer = authorize(parameters);

        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.header("Location")).startsWith(server.issuer() + "login?request=");
    }
}
