package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a client sees when the provider fails, and that no failure makes a message go twice. */
class DeliveryFaultTest {

    private static StandInServer twilio;
    private static TestServer server;
    private static SendEndpoint endpoint;

    @BeforeAll
    static void start() {
        twilio = new StandInServer();
        server = TestServer.start(Map.of(
                "TWOFOLD_SMS_PROVIDER", "twilio",
                "TWOFOLD_TWILIO_BASE_URL", twilio.url(),
                "TWOFOLD_TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001",
                "TWOFOLD_TWILIO_AUTH_TOKEN", "token",
                "TWOFOLD_TWILIO_FROM", "+15555550000",
                "TWOFOLD_DELIVERY_TIMEOUT", "1",
                "TWOFOLD_PHONE_LIMIT_PER_USER", "off",
                "TWOFOLD_PHONE_LIMIT_PER_DESTINATION", "off"));
        endpoint = new SendEndpoint(server.server().services());
    }

    @AfterAll
    static void stop() {
        endpoint.close();
        server.close();
        twilio.close();
    }

    private static void assertDeliveryFailed(Http.Answer answer, String cause) {
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.text("error")).isEqualTo("delivery_failed");
        assertThat(answer.text("error_description")).contains(cause).doesNotContain("Exception");
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("at dev.");
    }

    private void assertFailsOnceThenResendWorks(StandInServer.Behaviour fault, String cause,
                                                String code) {
        int before = twilio.received().size();
        twilio.behave(fault);

        Http.Answer failed = endpoint.send(Channel.SMS, "+15555550100", code, "u-" + code,
                "192.0.2.1");
        int afterFailure = twilio.received().size();
        twilio.behave(StandInServer.Behaviour.ACCEPT);
        Http.Answer resent = endpoint.send(Channel.SMS, "+15555550100", code, "u-" + code,
                "192.0.2.1");

        assertDeliveryFailed(failed, cause);
        assertThat(afterFailure - before).as("requests for the failed send").isEqualTo(1);
        assertThat(resent.status()).isEqualTo(204);
        assertThat(twilio.received().size() - before).isEqualTo(2);
    }

    @Test
    void sendWhenProviderIsSlowThenTimeout503AndNoSecondRequest() {
        assertFailsOnceThenResendWorks(StandInServer.Behaviour.SLOW, "did not answer in time",
                "100001");
    }

    @Test
    void sendWhenProviderAnswers500Then503AndNoSecondRequest() {
        assertFailsOnceThenResendWorks(StandInServer.Behaviour.FAIL_500, "answered with an error",
                "100002");
    }

    @Test
    void sendWhenConnectionDroppedAfterRequestThen503AndNoSecondRequest() {
        assertFailsOnceThenResendWorks(StandInServer.Behaviour.DROP, "connection", "100003");
    }

    @Test
    void sendWhenNothingListensThen503CouldNotBeReached() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TestServer unreachable = TestServer.start(Map.of(
                "TWOFOLD_SMS_PROVIDER", "twilio",
                "TWOFOLD_TWILIO_BASE_URL", "http://127.0.0.1:" + closedPort,
                "TWOFOLD_TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001",
                "TWOFOLD_TWILIO_AUTH_TOKEN", "token",
                "TWOFOLD_TWILIO_FROM", "+15555550000"));
        try (unreachable; SendEndpoint local = new SendEndpoint(unreachable.server().services())) {
            Http.Answer answer = local.send(Channel.SMS, "+15555550100", "100004", "u4",
                    "192.0.2.4");

            assertDeliveryFailed(answer, "could not be reached");
            assertThat(answer.header("Retry-After")).isEqualTo("30");
        }
    }
}
