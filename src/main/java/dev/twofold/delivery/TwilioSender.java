package dev.twofold.delivery;

import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Sends SMS through Twilio's Messages API and voice calls through its Calls API with inline
 * TwiML that reads the code. Any Twilio-compatible API works with
 * {@code TWOFOLD_TWILIO_BASE_URL}. Thread-safe.
 */
final class TwilioSender implements Sender {

    private final ProviderHttp http;
    private final Templates templates;
    private final URI base;
    private final String accountSid;
    private final String authorization;
    private final String from;

    TwilioSender(ProviderHttp http, Templates templates, URI base, String accountSid,
                 String authToken, String from) {
        this.http = http;
        this.templates = templates;
        this.base = base;
        this.accountSid = accountSid;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        this.from = from;
    }

    static TwilioSender from(Settings settings, ProviderHttp http, Templates templates) {
        String why = "The twilio provider needs it (see docs/configuration.md).";
        URI base = ProviderHttp.checkedUrl(Setting.TWILIO_BASE_URL.key(),
                settings.string(Setting.TWILIO_BASE_URL));
        return new TwilioSender(http, templates, base,
                settings.require(Setting.TWILIO_ACCOUNT_SID, why),
                settings.require(Setting.TWILIO_AUTH_TOKEN, why),
                settings.require(Setting.TWILIO_FROM, why));
    }

    @Override
    public void send(Message message) {
        MessageText text = templates.render(message);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", message.destination());
        form.put("From", from);
        String resource = switch (message.channel()) {
            case SMS -> {
                form.put("Body", text.text());
                yield "Messages.json";
            }
            case VOICE -> {
                form.put("Twiml", twiml(text.text(), message.locale()));
                yield "Calls.json";
            }
            case EMAIL -> throw new IllegalArgumentException("Twilio does not send email");
        };
        http.send("Twilio", message.channel(), request(resource, form));
    }

    private HttpRequest request(String resource, Map<String, String> form) {
        URI uri = URI.create(trimSlash(base.toString()) + "/2010-04-01/Accounts/"
                + URLEncoder.encode(accountSid, StandardCharsets.UTF_8) + "/" + resource);
        return http.request(uri)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .build();
    }

    /** TwiML that speaks the text twice is the template's job; this only wraps it. */
    static String twiml(String words, Locale locale) {
        return "<Response><Say language=\"" + voiceLanguage(locale) + "\">"
                + Templates.escapeHtml(words) + "</Say></Response>";
    }

    private static String voiceLanguage(Locale locale) {
        String language = locale == null ? "en" : locale.getLanguage();
        return switch (language) {
            case "de" -> "de-DE";
            case "fr" -> "fr-FR";
            case "es" -> "es-ES";
            default -> "en-US";
        };
    }

    private static String encode(Map<String, String> form) {
        StringJoiner joiner = new StringJoiner("&");
        form.forEach((name, value) -> joiner.add(URLEncoder.encode(name, StandardCharsets.UTF_8)
                + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return joiner.toString();
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
