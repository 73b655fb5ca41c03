package dev.twofold.login;

import static dev.twofold.login.Pages.alert;
import static dev.twofold.login.Pages.button;
import static dev.twofold.login.Pages.escape;
import static dev.twofold.login.Pages.hidden;
import static dev.twofold.login.Pages.lead;

import dev.twofold.mfa.AuthenticatorKind;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The HTML of the second-factor pages: the choice between factors, the code form (with the
 * send and resend buttons of SMS, voice and email, and the QR code of a TOTP enrollment), and
 * the choice of a first factor to enroll. Thread-safe.
 */
final class MfaPages {

    private final Services services;
    private final Pages pages;

    MfaPages(Services services, Pages pages) {
        this.services = services;
        this.pages = pages;
    }

    /** A factor as the pages show it: its id, kind and masked destination. */
    record Factor(String id, AuthenticatorKind kind, String destination) {
    }

    /** The choice between the user's factors. */
    record Choice(String requestId, String clientName, List<Factor> factors,
                  boolean recoveryCode) {
    }

    void choice(Context context, Choice choice, String redirectUri) {
        Messages text = Messages.of(context);
        StringBuilder items = new StringBuilder("<ul class=\"choices\">\n");
        for (Factor factor : choice.factors()) {
            items.append("<li><a class=\"choice\" href=\"").append(escape(pageUrl(
                            choice.requestId(), Optional.of(factor.id()))))
                    .append("\">").append(escape(label(text, factor))).append("</a></li>\n");
        }
        items.append("</ul>\n");
        String body = "<h1>" + escape(text.get("choose.title")) + "</h1>\n"
                + lead(text.get("choose.lead", choice.clientName())) + items
                + (choice.recoveryCode() ? recoveryLink(text, choice.requestId()) : "");
        pages.send(context, 200, text.get("choose.title"), body, Optional.of(redirectUri));
    }

    /** A TOTP enrollment's key, shown beside the code field until it is confirmed. */
    record TotpSetup(String secret, String qrDataUri) {
    }

    /**
     * The code form of one factor.
     *
     * @param sent for SMS, voice and email: whether a code is on its way (else a send button)
     * @param resendWait seconds until another code may be sent
     * @param otherFactors whether to offer the choice of another factor
     */
    record CodeForm(String requestId, String csrf, String clientName, Factor factor,
                    Optional<TotpSetup> setup, boolean sent, long resendWait,
                    Optional<String> notice, Optional<String> error, long rememberDays,
                    boolean otherFactors, boolean recoveryCode) {
    }

    void code(Context context, int status, CodeForm form, String redirectUri) {
        Messages text = Messages.of(context);
        AuthenticatorKind kind = form.factor().kind();
        boolean enrolling = form.setup().isPresent();
        String title = text.get(enrolling ? "totp.title" : "mfa.title");
        StringBuilder body = new StringBuilder("<h1>").append(escape(title)).append("</h1>\n");
        if (kind.isOutOfBand() && !form.sent()) {
            body.append(lead(text.get("mfa.send." + kind.factorName(),
                            form.factor().destination())))
                    .append(alert(form.error()))
                    .append(sendForm(text, form, false));
        } else {
            body.append(lead(leadText(text, form)))
                    .append(form.setup().map(setup -> setup(text, setup)).orElse(""))
                    .append(form.notice().map(notice -> "<p class=\"notice\" role=\"status\">"
                            + escape(notice) + "</p>\n").orElse(""))
                    .append(alert(form.error()))
                    .append(codeFields(text, form, enrolling));
            if (kind.isOutOfBand()) {
                body.append(sendForm(text, form, true));
            }
        }
        body.append(links(text, form, enrolling));
        pages.send(context, status, title, body.toString(), Optional.of(redirectUri),
                kind.isOutOfBand() && form.resendWait() > 0);
    }

    private static String leadText(Messages text, CodeForm form) {
        if (form.setup().isPresent()) {
            return text.get("totp.lead");
        }
        AuthenticatorKind kind = form.factor().kind();
        return kind == AuthenticatorKind.TOTP ? text.get("mfa.lead.otp", form.clientName())
                : text.get("mfa.lead." + kind.factorName(), form.factor().destination());
    }

    private static String setup(Messages text, TotpSetup setup) {
        return "<img class=\"qr\" src=\"" + escape(setup.qrDataUri()) + "\" alt=\""
                + escape(text.get("totp.qr")) + "\" width=\"240\" height=\"240\">\n"
                + "<p class=\"hint\">" + escape(text.get("totp.key")) + "</p>\n"
                + "<p class=\"secret\" id=\"totp-secret\">" + escape(spaced(setup.secret()))
                + "</p>\n";
    }

    /** A Base32 key in groups of four, easier to type; apps ignore the spaces. */
    static String spaced(String secret) {
        return secret.replaceAll("(.{4})(?!$)", "$1 ");
    }

    private String codeFields(Messages text, CodeForm form, boolean enrolling) {
        String remember = enrolling ? "" : "<label class=\"check\"><input type=\"checkbox\""
                + " name=\"remember\" value=\"yes\"> "
                + escape(text.get("field.remember", form.rememberDays())) + "</label>\n";
        return pages.formStart("login/mfa", form.requestId(), form.csrf())
                + hidden("authenticator_id", form.factor().id())
                + "<label for=\"otp\">" + escape(text.get("field.code")) + "</label>\n"
                + "<input id=\"otp\" name=\"otp\" type=\"text\" inputmode=\"numeric\""
                + " autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" maxlength=\"6\""
                + " required autofocus>\n" + remember
                + button(text.get("button.verify")) + "</form>\n";
    }

    /** The send (or resend) form; during the cool-down its button is disabled. */
    private String sendForm(Messages text, CodeForm form, boolean resend) {
        String label = text.get(resend ? "mfa.resend" : "button.send");
        String wait = form.resendWait() > 0 ? " disabled data-wait=\"" + form.resendWait()
                + "\" data-template=\"" + escape(text.get("mfa.resend.wait", "{0}")) + "\""
                + " aria-describedby=\"resend-wait\"" : "";
        String waitText = form.resendWait() > 0
                ? escape(text.get("mfa.resend.wait", form.resendWait())) : "";
        return pages.formStart("login/mfa/send", form.requestId(), form.csrf())
                + hidden("authenticator_id", form.factor().id())
                + "<button type=\"submit\" class=\"" + (resend ? "secondary" : "primary")
                + "\" id=\"send\"" + wait + (resend ? "" : " autofocus") + ">"
                + escape(label) + "</button>\n"
                + "<p class=\"hint\" id=\"resend-wait\" aria-live=\"polite\">" + waitText
                + "</p>\n</form>\n";
    }

    private String links(Messages text, CodeForm form, boolean enrolling) {
        String links = "";
        if (form.otherFactors() && !enrolling) {
            links += "<p class=\"alt\"><a href=\"" + escape(pageUrl(form.requestId(),
                    Optional.empty())) + "\">" + escape(text.get("mfa.other")) + "</a></p>\n";
        }
        if (form.recoveryCode() && !enrolling) {
            links += recoveryLink(text, form.requestId());
        }
        return links;
    }

    private String recoveryLink(Messages text, String requestId) {
        return "<p class=\"alt\"><a href=\"" + escape(services.issuer()
                + "login/mfa/recovery?request=" + requestId) + "\">"
                + escape(text.get("mfa.recovery")) + "</a></p>\n";
    }

    /**
     * The choice of a first factor to enroll.
     *
     * @param errorKind the kind whose form the error belongs to
     */
    record Enrollment(String requestId, String csrf, String clientName,
                      List<AuthenticatorKind> kinds, String email, Optional<String> phone,
                      Optional<AuthenticatorKind> errorKind, Optional<String> error) {
    }

    void enrollment(Context context, int status, Enrollment form, String redirectUri) {
        Messages text = Messages.of(context);
        StringBuilder body = new StringBuilder("<h1>").append(escape(text.get("enroll.title")))
                .append("</h1>\n").append(lead(text.get("enroll.lead", form.clientName())));
        for (AuthenticatorKind kind : form.kinds()) {
            body.append("<section class=\"factor\">\n<h2>")
                    .append(escape(text.get("enroll." + kind.factorName() + ".heading")))
                    .append("</h2>\n")
                    .append(alert(form.error().filter(error ->
                            form.errorKind().filter(kind::equals).isPresent())))
                    .append(pages.formStart("login/mfa/enroll", form.requestId(), form.csrf()))
                    .append(hidden("factor", kind.factorName()))
                    .append(enrollFields(text, form, kind))
                    .append(button(text.get("enroll." + kind.factorName() + ".button")))
                    .append("</form>\n</section>\n");
        }
        pages.send(context, status, text.get("enroll.title"), body.toString(),
                Optional.of(redirectUri));
    }

    private static String enrollFields(Messages text, Enrollment form, AuthenticatorKind kind) {
        String id = "destination-" + kind.factorName();
        // The field whose value was refused gets the focus, so the user can correct it.
        String refused = form.errorKind().filter(kind::equals).isPresent()
                ? " autofocus aria-invalid=\"true\"" : "";
        return switch (kind) {
            case TOTP -> "<p class=\"hint\">" + escape(text.get("enroll.otp.text")) + "</p>\n";
            case SMS, VOICE -> "<label for=\"" + id + "\">" + escape(text.get("field.phone"))
                    + "</label>\n<input id=\"" + id + "\" name=\"phone_number\" type=\"tel\""
                    + " autocomplete=\"tel\" inputmode=\"tel\" required" + refused
                    + " aria-describedby=\""
                    + id + "-hint\" value=\"" + escape(form.errorKind().filter(kind::equals)
                            .flatMap(any -> form.phone()).orElse("")) + "\">\n"
                    + "<p class=\"hint\" id=\"" + id + "-hint\">"
                    + escape(text.get("field.phone.hint")) + "</p>\n";
            case EMAIL -> "<label for=\"" + id + "\">" + escape(text.get("field.email"))
                    + "</label>\n<input id=\"" + id + "\" name=\"email\" type=\"email\""
                    + " autocomplete=\"email\" inputmode=\"email\" autocapitalize=\"none\""
                    + " spellcheck=\"false\" required" + refused + " value=\""
                    + escape(form.email())
                    + "\">\n";
            case RECOVERY_CODE -> "";
        };
    }

    /** The label of a factor in the choice. */
    static String label(Messages text, Factor factor) {
        return factor.kind() == AuthenticatorKind.TOTP ? text.get("factor.otp")
                : text.get("factor." + factor.kind().factorName(), factor.destination());
    }

    /** {@code GET /login/mfa} of a request, for one factor or for the choice. */
    String pageUrl(String requestId, Optional<String> authenticatorId) {
        return services.issuer() + "login/mfa?request=" + requestId + authenticatorId
                .map(id -> "&factor=" + URLEncoder.encode(id, StandardCharsets.UTF_8))
                .orElse("");
    }
}
