package dev.twofold.login;

import dev.twofold.testing.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser over plain HTTP for fast tests of the hosted pages: keeps cookies, does not
 * follow redirects, reads the login form's hidden fields the way a browser would submit them.
 */
public final class HostedLoginClient {

    private final String issuer;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient client;

    public HostedLoginClient(String issuer) {
        this.issuer = issuer;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The login form as the page renders it. */
    public record LoginForm(String request, String csrf, String html) {
    }

    public CookieManager cookies() {
        return cookies;
    }

    /** Forgets the session cookie, as after the browser was closed; keeps the others. */
    public void forgetSession() {
        var store = cookies.getCookieStore();
        store.getCookies().stream().filter(cookie -> cookie.getName().endsWith(Cookies.SESSION))
                .toList().forEach(cookie -> store.remove(null, cookie));
    }

    /** {@code GET /authorize} with the given query parameters (form-encoded). */
    public Http.Answer authorize(Map<String, String> parameters) {
        return get(issuer + "authorize?" + Http.form(parameters));
    }

    /** {@code GET /authorize} with a raw query string, sent as is. */
    public Http.Answer authorizeRaw(String query) {
        return get(issuer + "authorize?" + query);
    }

    public Http.Answer get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    /** Opens the login page a redirect of {@code /authorize} points to. */
    public LoginForm openLogin(String location) {
        Http.Answer page = get(location);
        if (page.status() != 200) {
            throw new AssertionError("Login page answered " + page.status() + ": "
                    + page.body());
        }
        return new LoginForm(hidden(page.body(), "request"), hidden(page.body(), "csrf"),
                page.body());
    }

    /** Posts the login form; the answer is the redirect to the client or the page again. */
    public Http.Answer submit(LoginForm form, String email, String password) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("request", form.request());
        fields.put("csrf", form.csrf());
        fields.put("email", email);
        fields.put("password", password);
        return postForm(issuer + "login", fields);
    }

    public Http.Answer postForm(String url, Map<String, String> fields) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form(fields))).build());
    }

    /**
     * The whole hosted login: authorize, open the form, submit it. Returns the Location of the
     * final redirect (the client's redirect URI with code or error).
     */
    public String login(Map<String, String> parameters, String email, String password) {
        Http.Answer start = authorize(parameters);
        String location = start.header("Location");
        if (start.status() != 302 || location == null) {
            throw new AssertionError("/authorize answered " + start.status() + ": "
                    + start.body());
        }
        if (!location.startsWith(issuer + "login")) {
            return location;
        }
        Http.Answer done = submit(openLogin(location), email, password);
        if (done.status() != 302) {
            throw new AssertionError("POST /login answered " + done.status() + ": "
                    + done.body());
        }
        return done.header("Location");
    }

    /** The query parameters of a URL, decoded. */
    public static Map<String, String> query(String url) {
        Map<String, String> values = new LinkedHashMap<>();
        String query = URI.create(url).getRawQuery();
        if (query == null) {
            return values;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            values.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String hidden(String html, String name) {
        Matcher matcher = Pattern.compile("<input type=\"hidden\" name=\"" + name
                + "\" value=\"([^\"]*)\">").matcher(html);
        if (!matcher.find()) {
            throw new AssertionError("The login page has no hidden field " + name);
        }
        return matcher.group(1);
    }

    /** Sends a request with this browser's cookies. */
    public Http.Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request,
                    HttpResponse.BodyHandlers.ofString());
            return new Http.Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
