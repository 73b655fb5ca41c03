package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MFA API sends codes in the language of the request's {@code Accept-Language}, English
 * when it names no language with templates. The expected texts are filled in here from the
 * built-in template file, not taken from the server.
 */
class MfaApiMessageLanguageTest {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final Properties TEMPLATES = templates();

    private static StandInServer twilio;
    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        twilio = new StandInServer();
        server = MfaApi.startServer(Map.of(
                "TWOFOLD_SMS_PROVIDER", "twilio",
                "TWOFOLD_TWILIO_BASE_URL", twilio.url(),
                "TWOFOLD_TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000003",
                "TWOFOLD_TWILIO_AUTH_TOKEN", "token",
                "TWOFOLD_TWILIO_FROM", "+15555550000"));
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        twilio.close();
    }

    @Test
    void associateSmsWhenAcceptLanguageIsGermanThenTheGermanSmsText() {
        String mfaToken = api.mfaToken(api.newUser("de-sms"));

        Http.Answer answer = associate(mfaToken, smsBody("+15555550301"), "de-DE,de;q=0.9");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        String body = lastSmsBody("+15555550301");
        assertThat(body).isEqualTo(expected("de.sms", codeIn(body)));
    }

    @Test
    void challengeWhenFirstLanguageHasNoTemplateThenTheNextAcceptedOne() {
        String email = api.newUser("fr-de");
        String enrolling = api.mfaToken(email);
        Http.Answer associated = api.associateSms(enrolling, "+15555550302");
        Http.Answer confirmed = api.oobGrant(enrolling, associated.text("oob_code"),
                codeIn(lastSmsBody("+15555550302")));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        String mfaToken = api.mfaToken(email);

        Http.Answer answer = api.http().raw("POST", "/mfa/challenge", "application/json",
                Http.json(Map.of("client_id", "c1", "client_secret", "s1-secret",
                        "mfa_token", mfaToken, "challenge_type", "oob")),
                "Accept-Language", "fr-CH, fr;q=0.9, de;q=0.8, en;q=0.5");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        String body = lastSmsBody("+15555550302");
        assertThat(body).isEqualTo(expected("de.sms", codeIn(body)));
    }

    @Test
    void associateEmailWhenAcceptLanguageIsGermanThenTheGermanEmailText() {
        String email = api.newUser("de-mail");
        String mfaToken = api.mfaToken(email);

        Http.Answer answer = associate(mfaToken, Map.of("client_id", "c1",
                "client_secret", "s1-secret", "authenticator_types", List.of("oob"),
                "oob_channels", List.of("email")), "de");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        String text = api.outbox(email).get(0).get("text").asText();
        assertThat(text).isEqualTo(expected("de.email.text", codeIn(text)));
    }

    @Test
    void associateSmsWhenNoOrUnknownLanguageThenTheEnglishSmsText() {
        String first = api.mfaToken(api.newUser("en-none"));
        String second = api.mfaToken(api.newUser("en-unknown"));

        Http.Answer none = api.associateSms(first, "+15555550303");
        Http.Answer unknown = associate(second, smsBody("+15555550304"), "ja, ko;q=0.5");

        assertThat(none.status()).as(none.body()).isEqualTo(200);
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(200);
        String noneBody = lastSmsBody("+15555550303");
        String unknownBody = lastSmsBody("+15555550304");
        assertThat(noneBody).isEqualTo(expected("en.sms", codeIn(noneBody)));
        assertThat(unknownBody).isEqualTo(expected("en.sms", codeIn(unknownBody)));
    }

    private static Http.Answer associate(String bearer, Map<String, Object> body,
                                         String acceptLanguage) {
        return api.http().raw("POST", "/mfa/associate", "application/json", Http.json(body),
                "Authorization", "Bearer " + bearer, "Accept-Language", acceptLanguage);
    }

    private static Map<String, Object> smsBody(String phone) {
        return Map.of("client_id", "c1", "client_secret", "s1-secret",
                "authenticator_types", List.of("oob"), "oob_channels", List.of("sms"),
                "phone_number", phone);
    }

    /** The template filled in by hand: 5-minute codes, product Twofold, the issuer's host. */
    private static String expected(String key, String code) {
        return TEMPLATES.getProperty(key)
                .replace("{code}", code)
                .replace("{product}", "Twofold")
                .replace("{minutes}", "5")
                .replace("{host}", URI.create(server.issuer()).getHost());
    }

    private static String codeIn(String text) {
        Matcher matcher = CODE.matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return matcher.group(1);
    }

    private static String lastSmsBody(String phone) {
        List<String> bodies = new ArrayList<>();
        for (StandInServer.Received request : twilio.received()) {
            if (phone.equals(MfaApiDeliveryFaultTest.formField(request.body(), "To"))) {
                bodies.add(MfaApiDeliveryFaultTest.formField(request.body(), "Body"));
            }
        }
        assertThat(bodies).as("messages to " + phone).isNotEmpty();
        return bodies.getLast();
    }

    private static Properties templates() {
        Properties properties = new Properties();
        try (InputStream in = MfaApiMessageLanguageTest.class.getResourceAsStream(
                "/dev/twofold/delivery/templates.properties")) {
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
