package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.TestServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TwilioSenderTest {

    private static final String SID = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "twilio-auth-token-for-tests";
    private static StandInServer twilio;
    private static TestServer server;

    @BeforeAll
    static void start() {
        twilio = new StandInServer();
        server = TestServer.start(Map.of(
                "TWOFOLD_SMS_PROVIDER", "twilio",
                "TWOFOLD_VOICE_PROVIDER", "twilio",
                "TWOFOLD_TWILIO_BASE_URL", twilio.url(),
                "TWOFOLD_TWILIO_ACCOUNT_SID", SID,
                "TWOFOLD_TWILIO_AUTH_TOKEN", TOKEN,
                "TWOFOLD_TWILIO_FROM", "+15555550000"));
    }

    @AfterAll
    static void stop() {
        server.close();
        twilio.close();
    }

    private int before;

    @BeforeEach
    void remember() {
        before = twilio.received().size();
    }

    private static void send(Channel channel, String code, Locale locale) {
        server.server().services().sender(channel).send(new Message(channel, "+15555550100",
                code, Duration.ofMinutes(5), locale, "auth0|alice", "203.0.113.7"));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            fields.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return fields;
    }

    @Test
    void smsWhenSentThenMessagesApiWithBasicAuthAndWebOtpLine() {
        send(Channel.SMS, "246810", Locale.ENGLISH);

        assertThat(twilio.received()).hasSize(before + 1);
        StandInServer.Received request = twilio.received().get(before);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json");
        assertThat(request.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.header("Content-Type"))
                .startsWith("application/x-www-form-urlencoded");
        Map<String, String> form = form(request.body());
        assertThat(form).containsEntry("To", "+15555550100").containsEntry("From", "+15555550000");
        assertThat(form.get("Body")).contains("246810").contains("Twofold")
                .endsWith("\n@127.0.0.1 #246810");
        assertThat(form.get("Body").length()).isLessThanOrEqualTo(160);
    }

    @Test
    void smsWhenGermanLocaleThenGermanText() {
        send(Channel.SMS, "135791", Locale.GERMAN);

        Map<String, String> form = form(twilio.received().get(before).body());
        assertThat(form.get("Body")).contains("Bestätigungscode").contains("135791");
    }

    @Test
    void voiceWhenSentThenCallsApiWithTwimlReadingTheDigits() {
        send(Channel.VOICE, "908172", Locale.ENGLISH);

        StandInServer.Received request = twilio.received().get(before);
        assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/" + SID + "/Calls.json");
        Map<String, String> form = form(request.body());
        assertThat(form).containsEntry("To", "+15555550100").doesNotContainKey("Body");
        assertThat(form.get("Twiml")).startsWith("<Response><Say language=\"en-US\">")
                .contains("9, 0, 8, 1, 7, 2").endsWith("</Say></Response>");
    }
}
