package dev.twofold.login;

import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The HTML of the hosted pages: server-rendered, no script, one stylesheet from this server,
 * every value escaped. Each page is sent with a strict Content-Security-Policy. Thread-safe.
 */
final class Pages {

    private static final Pattern SAFE_SOURCE = Pattern.compile("[A-Za-z0-9.:/\\[\\]_-]+");

    private final Services services;

    Pages(Services services) {
        this.services = services;
    }

    /** The fields of the login form. */
    record LoginForm(String requestId, String csrf, String clientName, String email,
                     Optional<String> error) {
    }

    void login(Context context, LoginForm form, String redirectUri) {
        String error = form.error().map(text -> "<p class=\"error\" role=\"alert\">"
                + escape(text) + "</p>\n").orElse("");
        String body = "<h1>Sign in</h1>\n"
                + "<p class=\"lead\">to continue to <strong>" + escape(form.clientName())
                + "</strong></p>\n" + error
                + "<form method=\"post\" action=\"" + escape(services.issuer() + "login") + "\">\n"
                + hidden("request", form.requestId()) + hidden("csrf", form.csrf())
                + "<label for=\"email\">Email</label>\n"
                + "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\""
                + " inputmode=\"email\" autocapitalize=\"none\" spellcheck=\"false\" required"
                + (form.email().isEmpty() ? " autofocus" : "") + " value=\""
                + escape(form.email()) + "\">\n"
                + "<label for=\"password\">Password</label>\n"
                + "<input id=\"password\" name=\"password\" type=\"password\""
                + " autocomplete=\"current-password\" required"
                + (form.email().isEmpty() ? "" : " autofocus") + ">\n"
                + "<button type=\"submit\">Continue</button>\n</form>\n";
        send(context, 200, "Sign in", body, Optional.of(redirectUri));
    }

    /** The fields of the one-time-code form of the second factor. */
    record OtpForm(String requestId, String csrf, String clientName, Optional<String> error,
                   long rememberDays) {
    }

    void otp(Context context, OtpForm form, String redirectUri) {
        String error = form.error().map(text -> "<p class=\"error\" role=\"alert\">"
                + escape(text) + "</p>\n").orElse("");
        String body = "<h1>Verify it is you</h1>\n"
                + "<p class=\"lead\">Enter the 6-digit code from your authenticator app to"
                + " continue to <strong>" + escape(form.clientName()) + "</strong>.</p>\n"
                + error
                + "<form method=\"post\" action=\"" + escape(services.issuer() + "login/mfa")
                + "\">\n" + hidden("request", form.requestId()) + hidden("csrf", form.csrf())
                + "<label for=\"otp\">Code</label>\n"
                + "<input id=\"otp\" name=\"otp\" type=\"text\" inputmode=\"numeric\""
                + " autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" maxlength=\"6\""
                + " required autofocus>\n"
                + "<label class=\"check\"><input type=\"checkbox\" name=\"remember\""
                + " value=\"yes\"> Remember this device for "
                + form.rememberDays() + " days</label>\n"
                + "<button type=\"submit\">Verify</button>\n</form>\n"
                + "<p class=\"alt\"><a href=\"" + escape(services.issuer()
                + "login/mfa/recovery?request=" + form.requestId())
                + "\">Use a recovery code instead</a></p>\n";
        send(context, 200, "Verify it is you", body, Optional.of(redirectUri));
    }

    /** The fields of the recovery-code form. */
    record RecoveryForm(String requestId, String csrf, Optional<String> error) {
    }

    void recoveryCode(Context context, RecoveryForm form, String redirectUri) {
        String error = form.error().map(text -> "<p class=\"error\" role=\"alert\">"
                + escape(text) + "</p>\n").orElse("");
        String body = "<h1>Use a recovery code</h1>\n"
                + "<p class=\"lead\">Enter the recovery code you saved when you set up"
                + " two-step verification.</p>\n" + error
                + "<form method=\"post\" action=\""
                + escape(services.issuer() + "login/mfa/recovery") + "\">\n"
                + hidden("request", form.requestId()) + hidden("csrf", form.csrf())
                + "<label for=\"recovery_code\">Recovery code</label>\n"
                + "<input id=\"recovery_code\" name=\"recovery_code\" type=\"text\""
                + " autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\""
                + " required autofocus>\n"
                + "<button type=\"submit\">Verify</button>\n</form>\n";
        send(context, 200, "Use a recovery code", body, Optional.of(redirectUri));
    }

    /** The new recovery code, shown once, and the confirmation that leads on. */
    record NewRecoveryCode(String requestId, String csrf, String code) {
    }

    void newRecoveryCode(Context context, NewRecoveryCode form, String redirectUri) {
        String body = "<h1>Save your new recovery code</h1>\n"
                + "<p class=\"lead\">The code you used no longer works. Keep this one"
                + " somewhere safe: it is shown only once.</p>\n"
                + "<p class=\"secret\" id=\"recovery-code\">" + escape(form.code())
                + "</p>\n"
                + "<form method=\"post\" action=\""
                + escape(services.issuer() + "login/mfa/continue") + "\">\n"
                + hidden("request", form.requestId()) + hidden("csrf", form.csrf())
                + "<button type=\"submit\" autofocus>I have saved it</button>\n</form>\n";
        send(context, 200, "Save your new recovery code", body, Optional.of(redirectUri));
    }

    void error(Context context, int status, String title, String message) {
        String body = "<h1>" + escape(title) + "</h1>\n<p>" + escape(message) + "</p>\n";
        send(context, status, title, body, Optional.empty());
    }

    void message(Context context, String title, String message) {
        error(context, 200, title, message);
    }

    private void send(Context context, int status, String title, String body,
                      Optional<String> redirectUri) {
        context.status(status);
        context.header("Content-Security-Policy", policy(redirectUri));
        context.header("Cache-Control", "no-store");
        context.contentType("text/html; charset=utf-8");
        context.result("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta name=\"robots\" content=\"noindex\">\n"
                + "<title>" + escape(title) + "</title>\n"
                + "<link rel=\"stylesheet\" href=\"" + escape(services.issuer()
                + "login/assets/login.css")
                + "\">\n</head>\n<body>\n<main class=\"card\">\n" + body
                + "</main>\n</body>\n</html>\n");
    }

    /**
     * The page's policy. form-action names the client's redirect URI origin as well, because
     * browsers apply form-action to the redirects that follow a form submission, and a
     * successful login ends in a redirect to the client.
     */
    static String policy(Optional<String> redirectUri) {
        String formAction = "'self'" + redirectUri.flatMap(Pages::sourceOf)
                .map(source -> " " + source).orElse("");
        return "default-src 'none'; style-src 'self'; img-src 'self'; form-action "
                + formAction + "; frame-ancestors 'none'; base-uri 'none'";
    }

    /** A CSP source expression for a URI: its origin, or {@code scheme:} for app schemes. */
    static Optional<String> sourceOf(String uri) {
        try {
            URI parsed = URI.create(uri);
            String scheme = parsed.getScheme();
            if (scheme == null) {
                return Optional.empty();
            }
            String source = parsed.getHost() == null || parsed.getRawAuthority() == null
                    ? scheme + ":" : scheme + "://" + parsed.getRawAuthority();
            return SAFE_SOURCE.matcher(source).matches() && !source.contains("@")
                    ? Optional.of(source) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escape(value) + "\">\n";
    }

    /** Escapes text for HTML element content and double-quoted attribute values. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
