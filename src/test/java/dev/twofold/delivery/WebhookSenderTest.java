package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twofold.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {

    private static final String SECRET = "whsec-0123456789abcdef0123456789abcdef";
    private static StandInServer receiver;
    private static TestServer server;

    @BeforeAll
    static void start() {
        receiver = new StandInServer();
        server = TestServer.start(Map.of(
                "TWOFOLD_SMS_PROVIDER", "webhook",
                "TWOFOLD_EMAIL_PROVIDER", "webhook",
                "TWOFOLD_WEBHOOK_URL", receiver.url() + "/hooks/twofold",
                "TWOFOLD_WEBHOOK_SECRET", SECRET));
    }

    @AfterAll
    static void stop() {
        server.close();
        receiver.close();
    }

    /** The receiver's check, written as docs/delivery.md tells receivers to write it. */
    private static boolean verify(StandInServer.Received request, Instant now) throws Exception {
        String timestamp = request.header("Twofold-Timestamp");
        String signature = request.header("Twofold-Signature");
        if (Math.abs(now.getEpochSecond() - Long.parseLong(timestamp)) > 300) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((timestamp + "." + request.body())
                .getBytes(StandardCharsets.UTF_8));
        byte[] wanted = ("v1=" + HexFormat.of().formatHex(expected))
                .getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(wanted, signature.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void smsWhenSentThenSignedJsonTheReceiverVerifies() throws Exception {
        int before = receiver.received().size();

        server.server().services().sender(Channel.SMS).send(new Message(Channel.SMS,
                "+15555550100", "864200", Duration.ofMinutes(5), Locale.ENGLISH,
                "auth0|alice", "203.0.113.9"));

        StandInServer.Received request = receiver.received().get(before);
        assertThat(request.path()).isEqualTo("/hooks/twofold");
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(verify(request, server.clock().instant())).isTrue();
        JsonNode json = new ObjectMapper().readTree(request.body());
        assertThat(json.get("channel").asText()).isEqualTo("sms");
        assertThat(json.get("to").asText()).isEqualTo("+15555550100");
        assertThat(json.get("code").asText()).isEqualTo("864200");
        assertThat(json.get("expires_in").asLong()).isEqualTo(300);
        assertThat(json.get("text").asText()).endsWith("#864200");
        assertThat(json.get("id").asText()).isEqualTo(request.header("Twofold-Delivery-Id"));
    }

    @Test
    void signatureWhenBodyTamperedOrOldThenTheReceiverRejectsIt() throws Exception {
        int before = receiver.received().size();
        server.server().services().sender(Channel.EMAIL).send(new Message(Channel.EMAIL,
                "alice@example.com", "112233", Duration.ofMinutes(5), Locale.ENGLISH,
                "auth0|alice", "203.0.113.9"));
        StandInServer.Received request = receiver.received().get(before);

        StandInServer.Received tampered = new StandInServer.Received(request.method(),
                request.path(), request.headers(), request.body().replace("112233", "999999"));
        Instant sixMinutesLater = server.clock().instant().plus(Duration.ofMinutes(6));

        assertThat(verify(request, server.clock().instant())).isTrue();
        assertThat(verify(tampered, server.clock().instant())).isFalse();
        assertThat(verify(request, sixMinutesLater)).isFalse();
        JsonNode json = new ObjectMapper().readTree(request.body());
        assertThat(json.get("subject").asText()).contains("112233");
        assertThat(json.get("html").asText()).contains("112233");
    }
}
