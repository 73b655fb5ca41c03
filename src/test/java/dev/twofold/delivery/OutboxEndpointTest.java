package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.server.Settings;
import dev.twofold.server.TwofoldServer;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestClock;
import dev.twofold.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OutboxEndpointTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void send(Channel channel, String destination, String code) {
        server.server().services().sender(channel).send(new Message(channel, destination, code,
                Duration.ofMinutes(5), Locale.ENGLISH, "auth0|alice", "127.0.0.1"));
    }

    @Test
    void outboxWhenSmsSentThenNewestFirstWithCodeAndIsoTime() {
        String number = "+15555550" + (100 + (int) (Math.random() * 800));
        send(Channel.SMS, number, "111111");
        server.clock().advance(Duration.ofSeconds(1));
        send(Channel.VOICE, number, "222222");

        Http.Answer answer = server.http().get("/dev/outbox?to=%2B" + number.substring(1));

        assertThat(answer.status()).isEqualTo(200);
        JsonNode messages = answer.json();
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).get("channel").asText()).isEqualTo("voice");
        assertThat(messages.get(0).get("text").asText()).contains("2, 2, 2, 2, 2, 2");
        assertThat(messages.get(1).get("channel").asText()).isEqualTo("sms");
        assertThat(messages.get(1).get("to").asText()).isEqualTo(number);
        assertThat(messages.get(1).get("text").asText()).contains("111111");
        Instant older = Instant.parse(messages.get(1).get("sent_at").asText());
        Instant newer = Instant.parse(messages.get(0).get("sent_at").asText());
        assertThat(newer).isAfter(older);
    }

    @Test
    void outboxWhenNumberWrittenWithPunctuationOrUnencodedPlusThenSameMessages() {
        send(Channel.SMS, "+15555550177", "333333");

        Http.Answer punctuated = server.http().get("/dev/outbox?to=%2B1%20(555)%20555-0177");
        Http.Answer unencoded = server.http().get("/dev/outbox?to=+15555550177");

        assertThat(punctuated.json().get(0).get("text").asText()).contains("333333");
        assertThat(unencoded.json().get(0).get("text").asText()).contains("333333");
    }

    @Test
    void outboxWhenEmailSentThenFoundByAddressInAnyCaseAndShownAsSent() {
        send(Channel.EMAIL, "Bob@Example.com", "444444");

        Http.Answer answer = server.http().get("/dev/outbox?to=bob%40example.com");

        assertThat(answer.json()).hasSize(1);
        assertThat(answer.json().get(0).get("channel").asText()).isEqualTo("email");
        assertThat(answer.json().get(0).get("to").asText()).isEqualTo("Bob@Example.com");
        assertThat(answer.json().get(0).get("text").asText()).contains("444444");
    }

    @Test
    void outboxWhenNothingSentThenEmptyArray() {
        Http.Answer answer = server.http().get("/dev/outbox?to=%2B15555550199");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().isArray()).isTrue();
        assertThat(answer.json()).isEmpty();
    }

    @Test
    void outboxWhenToMissingThenJsonInvalidRequest() {
        Http.Answer answer = server.http().get("/dev/outbox");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_request");
        assertThat(answer.text("error_description")).contains("'to'");
    }

    @Test
    void outboxWhenToRepeatedThenRefusedInsteadOfUsingTheFirst() {
        Http.Answer answer = server.http().get("/dev/outbox?to=a%40example.com&to=b%40example.com");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error_description")).contains("Parameter to was sent 2 times");
    }

    @Test
    void outboxWhenToHasABrokenEscapeThenSaysMalformedNotMissing() throws Exception {
        String answer;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1",
                server.server().port())) {
            socket.getOutputStream().write(("GET /dev/outbox?to=%zz HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(answer).startsWith("HTTP/1.1 400").contains("query string")
                .contains("invalid %-escape").doesNotContain("missing");
    }

    @Test
    void outboxWhenToIsNotANumberThenJsonInvalidRequestNamingE164() {
        Http.Answer answer = server.http().get("/dev/outbox?to=hello");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_request");
        assertThat(answer.text("error_description")).contains("'hello'").contains("E.164");
    }

    @Test
    void outboxWhenToIsABrokenEmailThenJsonInvalidRequest() {
        Http.Answer answer = server.http().get("/dev/outbox?to=a%40b%40c");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error_description")).contains("email");
    }

    @Test
    void consoleSenderWhenDevelopmentModeThenPrintsTheWholeTextToTheConsole() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Templates templates = Templates.from(Settings.of(Settings.Mode.DEV, Map.of()),
                () -> "https://login.example.com/");
        OutboxStore outbox = new OutboxStore(server.server().services().database());
        ConsoleSender sender = ConsoleSender.development(templates, outbox, new TestClock(),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        sender.send(new Message(Channel.SMS, "+15555550100", "987654", Duration.ofMinutes(5),
                Locale.ENGLISH, "auth0|alice", "127.0.0.1"));

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("+15555550100").contains("987654")
                .contains("@login.example.com #987654");
    }

    @Test
    void consoleSenderWhenProductionModeThenPrintsMaskedDestinationAndNoCode() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ConsoleSender sender = ConsoleSender.production(
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        sender.send(new Message(Channel.SMS, "+15555550100", "987654", Duration.ofMinutes(5),
                Locale.ENGLISH, "auth0|alice", "127.0.0.1"));
        sender.send(new Message(Channel.EMAIL, "alice@example.com", "135790",
                Duration.ofMinutes(5), Locale.ENGLISH, "auth0|alice", "127.0.0.1"));

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).doesNotContain("987654").doesNotContain("135790")
                .doesNotContain("5555550100").doesNotContain("alice@")
                .contains("sms to +1").contains("0100").contains("TWOFOLD_SMS_PROVIDER")
                .contains("email to a").contains("TWOFOLD_EMAIL_PROVIDER");
    }

    @Test
    void outboxWhenProductionModeThenTheRouteDoesNotExist() {
        Map<String, String> values = Map.of(
                "TWOFOLD_PORT", "0",
                "TWOFOLD_MANAGEMENT_PORT", "0",
                "TWOFOLD_ISSUER", "https://login.example.com/",
                "TWOFOLD_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(new byte[32]),
                "TWOFOLD_DB_URL", "jdbc:h2:mem:" + UUID.randomUUID()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                "TWOFOLD_ARGON2_MEMORY_KIB", "1024",
                "TWOFOLD_ARGON2_ITERATIONS", "1");
        try (TwofoldServer production = TwofoldServer.start(
                Settings.of(Settings.Mode.PRODUCTION, values), new TestClock())) {
            Http http = new Http("http://127.0.0.1:" + production.port());

            Http.Answer answer = http.get("/dev/outbox?to=%2B15555550100");

            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.text("error")).isEqualTo("not_found");
        }
    }
}
