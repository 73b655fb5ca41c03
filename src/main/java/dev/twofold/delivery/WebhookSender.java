package dev.twofold.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Json;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts each message as a signed JSON document to the operator's own endpoint, which delivers
 * it (any SMS, voice or email provider). The signature is HMAC-SHA256 over
 * {@code <timestamp>.<body>} with the shared secret, sent as {@code Twofold-Signature: v1=<hex>}
 * next to {@code Twofold-Timestamp} (Unix seconds); docs/delivery.md shows how a receiver
 * verifies it and refuses replays. Thread-safe.
 */
final class WebhookSender implements Sender {

    static final String SIGNATURE_HEADER = "Twofold-Signature";
    static final String TIMESTAMP_HEADER = "Twofold-Timestamp";
    static final String DELIVERY_ID_HEADER = "Twofold-Delivery-Id";
    private static final int MIN_SECRET_LENGTH = 32;

    private final ProviderHttp http;
    private final Templates templates;
    private final URI url;
    private final byte[] secret;
    private final Clock clock;

    WebhookSender(ProviderHttp http, Templates templates, URI url, String secret, Clock clock) {
        this.http = http;
        this.templates = templates;
        this.url = url;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    static WebhookSender from(Settings settings, ProviderHttp http, Templates templates,
                              Clock clock) {
        URI url = ProviderHttp.checkedUrl(Setting.WEBHOOK_URL.key(), settings.require(
                Setting.WEBHOOK_URL, "The webhook provider posts messages to it."));
        String secret = settings.require(Setting.WEBHOOK_SECRET,
                "The webhook provider signs messages with it: openssl rand -hex 32");
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new Settings.ConfigurationException("TWOFOLD_WEBHOOK_SECRET must be at least "
                    + MIN_SECRET_LENGTH + " characters: openssl rand -hex 32");
        }
        return new WebhookSender(http, templates, url, secret, clock);
    }

    @Override
    public void send(Message message) {
        String deliveryId = Randoms.id("dlv_");
        String body = document(deliveryId, message, templates.render(message));
        String timestamp = Long.toString(clock.instant().getEpochSecond());

        HttpRequest request = http.request(url)
                .header("Content-Type", "application/json")
                .header(TIMESTAMP_HEADER, timestamp)
                .header(SIGNATURE_HEADER, "v1=" + sign(timestamp, body))
                .header(DELIVERY_ID_HEADER, deliveryId)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        http.send("Webhook", message.channel(), request);
    }

    private String document(String deliveryId, Message message, MessageText text) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", deliveryId);
        json.put("channel", message.channel().wireName());
        json.put("to", message.destination());
        json.put("code", message.code());
        json.put("locale", message.locale() == null ? "en" : message.locale().toLanguageTag());
        json.put("expires_in", message.validity() == null ? null
                : message.validity().toSeconds());
        json.put("subject", text.subject());
        json.put("text", text.text());
        json.put("html", text.html());
        json.put("created_at", clock.instant().toString());
        try {
            return Json.MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A map of strings always serialises", e);
        }
    }

    /** Lower-case hex HMAC-SHA256 of {@code <timestamp>.<body>}. */
    String sign(String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] signature = mac.doFinal((timestamp + "." + body)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(signature);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("Every Java platform has HmacSHA256", e);
        }
    }
}
