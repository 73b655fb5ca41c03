package dev.twofold.login;

import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The HTML of the hosted pages: server-rendered, one stylesheet and one small script from this
 * server, every value escaped, every text from {@link Messages} in the browser's language, and
 * the {@link Branding} on every page. Each page is sent with a strict Content-Security-Policy.
 * Thread-safe.
 */
final class Pages {

    private static final Pattern SAFE_SOURCE = Pattern.compile("[A-Za-z0-9.:/\\[\\]_-]+");

    private final Services services;
    private final Branding branding;

    Pages(Services services, Branding branding) {
        this.services = services;
        this.branding = branding;
    }

    Branding branding() {
        return branding;
    }

    /** The fields of the login form. */
    record LoginForm(String requestId, String csrf, String clientName, String email,
                     Optional<String> error) {
    }

    void login(Context context, LoginForm form, String redirectUri) {
        Messages text = Messages.of(context);
        String body = "<h1>" + escape(text.get("signin.title")) + "</h1>\n"
                + lead(text.get("signin.lead", form.clientName())) + alert(form.error())
                + formStart("login", form.requestId(), form.csrf())
                + "<label for=\"email\">" + escape(text.get("field.email")) + "</label>\n"
                + "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\""
                + " inputmode=\"email\" autocapitalize=\"none\" spellcheck=\"false\" required"
                + (form.email().isEmpty() ? " autofocus" : "") + " value=\""
                + escape(form.email()) + "\">\n"
                + "<label for=\"password\">" + escape(text.get("field.password")) + "</label>\n"
                + "<input id=\"password\" name=\"password\" type=\"password\""
                + " autocomplete=\"current-password\" required"
                + (form.email().isEmpty() ? "" : " autofocus") + ">\n"
                + button(text.get("button.continue")) + "</form>\n";
        send(context, 200, text.get("signin.title"), body, Optional.of(redirectUri));
    }

    /** The fields of the recovery-code form. */
    record RecoveryForm(String requestId, String csrf, Optional<String> error) {
    }

    void recoveryCode(Context context, RecoveryForm form, String redirectUri) {
        Messages text = Messages.of(context);
        String body = "<h1>" + escape(text.get("recovery.title")) + "</h1>\n"
                + lead(text.get("recovery.lead")) + alert(form.error())
                + formStart("login/mfa/recovery", form.requestId(), form.csrf())
                + "<label for=\"recovery_code\">" + escape(text.get("field.recovery"))
                + "</label>\n"
                + "<input id=\"recovery_code\" name=\"recovery_code\" type=\"text\""
                + " autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\""
                + " required autofocus>\n"
                + button(text.get("button.verify")) + "</form>\n";
        send(context, 200, text.get("recovery.title"), body, Optional.of(redirectUri));
    }

    /**
     * A recovery code, shown once, and the confirmation that leads on.
     *
     * @param first whether it is the first code of a new enrollment, not a replacement
     */
    record NewRecoveryCode(String requestId, String csrf, String code, boolean first) {
    }

    void newRecoveryCode(Context context, NewRecoveryCode form, String redirectUri) {
        Messages text = Messages.of(context);
        String kind = form.first() ? "recovery.first." : "recovery.new.";
        String body = "<h1>" + escape(text.get(kind + "title")) + "</h1>\n"
                + lead(text.get(kind + "lead"))
                + "<p class=\"secret\" id=\"recovery-code\">" + escape(form.code()) + "</p>\n"
                + formStart("login/mfa/continue", form.requestId(), form.csrf())
                + "<button type=\"submit\" autofocus>" + escape(text.get("recovery.saved"))
                + "</button>\n</form>\n";
        send(context, 200, text.get(kind + "title"), body, Optional.of(redirectUri));
    }

    /**
     * An error page titled by a message key. The text is the bundle's for the error code when
     * it has one, else the error's description.
     */
    // Known gap: descriptions without a bundle entry (rare refusals) are shown in English only.
    void error(Context context, int status, String titleKey, ProtocolError error) {
        Messages text = Messages.of(context);
        String message = text.find("error." + error.error()).orElse(error.description());
        page(context, status, text.get(titleKey), message);
    }

    /** A page with a title and one paragraph, both from the bundle. */
    void notice(Context context, String titleKey, String messageKey) {
        Messages text = Messages.of(context);
        page(context, 200, text.get(titleKey), text.get(messageKey));
    }

    private void page(Context context, int status, String title, String message) {
        String body = "<h1>" + escape(title) + "</h1>\n<p>" + escape(message) + "</p>\n";
        send(context, status, title, body, Optional.empty());
    }

    /** Sends a page inside the branded layout, without script. */
    void send(Context context, int status, String title, String body,
              Optional<String> redirectUri) {
        send(context, status, title, body, redirectUri, false);
    }

    /**
     * Sends a page inside the branded layout.
     *
     * @param script whether the page loads the resend count-down, the only script there is
     */
    void send(Context context, int status, String title, String body,
              Optional<String> redirectUri, boolean script) {
        Messages text = Messages.of(context);
        context.status(status);
        context.header("Content-Security-Policy", policy(redirectUri,
                branding.logoSource(), script));
        context.header("Cache-Control", "no-store");
        context.header("Vary", "Accept-Language");
        context.contentType("text/html; charset=utf-8");
        context.result("<!doctype html>\n<html lang=\"" + text.language() + "\">\n<head>\n"
                + "<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta name=\"robots\" content=\"noindex\">\n"
                + "<title>" + escape(title + " · " + branding.productName()) + "</title>\n"
                + stylesheet("login/assets/login.css") + stylesheet("login/assets/brand.css")
                + (script ? "<script src=\"" + escape(services.issuer()
                        + "login/assets/resend.js") + "\" defer></script>\n" : "")
                + "</head>\n<body>\n<main class=\"card\">\n" + header() + body
                + "</main>\n</body>\n</html>\n");
    }

    private String header() {
        String logo = branding.logoUrl().map(uri -> "<img class=\"logo\" src=\""
                + escape(uri.toString()) + "\" alt=\"\">").orElse("");
        return "<header class=\"brand\">" + logo + "<span class=\"product\">"
                + escape(branding.productName()) + "</span></header>\n";
    }

    private String stylesheet(String path) {
        return "<link rel=\"stylesheet\" href=\"" + escape(services.issuer() + path) + "\">\n";
    }

    /** The start of a form posting to {@code path} with the request id and CSRF token. */
    String formStart(String path, String requestId, String csrf) {
        return "<form method=\"post\" action=\"" + escape(services.issuer() + path) + "\">\n"
                + hidden("request", requestId) + hidden("csrf", csrf);
    }

    static String lead(String text) {
        return "<p class=\"lead\">" + escape(text) + "</p>\n";
    }

    static String alert(Optional<String> error) {
        return error.map(text -> "<p class=\"error\" role=\"alert\">" + escape(text)
                + "</p>\n").orElse("");
    }

    static String button(String label) {
        return "<button type=\"submit\">" + escape(label) + "</button>\n";
    }

    /**
     * The page's policy. form-action names the client's redirect URI origin as well, because
     * browsers apply form-action to the redirects that follow a form submission, and a
     * successful login ends in a redirect to the client. img-src allows data: for the
     * enrollment QR code, and the logo's origin.
     */
    static String policy(Optional<String> redirectUri, Optional<String> logoSource,
                         boolean script) {
        String formAction = "'self'" + redirectUri.flatMap(Pages::sourceOf)
                .map(source -> " " + source).orElse("");
        String images = "'self' data:" + logoSource.map(source -> " " + source).orElse("");
        return "default-src 'none'; " + (script ? "script-src 'self'; " : "")
                + "style-src 'self'; img-src " + images
                + "; form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'";
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

    static String hidden(String name, String value) {
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
