package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every send is recorded in the log with the destination masked and never with the code. */
class DeliveryLogTest {

    private static StandInServer twilio;
    private static TestServer server;
    private static final ListAppender<ILoggingEvent> EVENTS = new ListAppender<>();

    @BeforeAll
    static void start() {
        twilio = new StandInServer();
        server = TestServer.start(Map.of(
                "TWOFOLD_SMS_PROVIDER", "twilio",
                "TWOFOLD_TWILIO_BASE_URL", twilio.url(),
                "TWOFOLD_TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000002",
                "TWOFOLD_TWILIO_AUTH_TOKEN", "log-test-auth-token",
                "TWOFOLD_TWILIO_FROM", "+15555550000"));
        EVENTS.start();
        ((Logger) LoggerFactory.getLogger("dev.twofold")).addAppender(EVENTS);
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger("dev.twofold")).detachAppender(EVENTS);
        server.close();
        twilio.close();
    }

    private static void send(Channel channel, String to, String code) {
        server.server().services().sender(channel).send(new Message(channel, to, code,
                Duration.ofMinutes(5), Locale.ENGLISH, "auth0|log", "198.51.100.200"));
    }

    private static List<String> lines() {
        return EVENTS.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void sendWhenAcceptedOrFailedThenLoggedMaskedWithoutTheCode() {
        EVENTS.list.clear();

        send(Channel.SMS, "+15555550123", "739201");
        send(Channel.EMAIL, "zelda@example.com", "739202");
        twilio.behave(StandInServer.Behaviour.FAIL_500);
        Throwable failure = catchThrowable(() -> send(Channel.SMS, "+15555550123", "739203"));
        twilio.behave(StandInServer.Behaviour.ACCEPT);

        assertThat(failure).isNotNull();
        assertThat(lines()).anyMatch(line -> line.contains("Sent sms to +1 ••• ••• 0123"))
                .anyMatch(line -> line.contains("Sent email to z•••@example.com"))
                .anyMatch(line -> line.contains("+1 ••• ••• 0123") && line.contains("failed"));
        assertThat(String.join("\n", lines())).doesNotContain("739201").doesNotContain("739202")
                .doesNotContain("739203").doesNotContain("5555550123").doesNotContain("zelda")
                .doesNotContain("log-test-auth-token");
    }
}
