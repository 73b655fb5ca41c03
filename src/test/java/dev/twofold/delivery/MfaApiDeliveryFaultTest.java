package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.ops.AuditEntry;
import dev.twofold.ops.AuditQuery;
import dev.twofold.store.User;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Provider faults seen through the real MFA API: {@code /mfa/associate} and
 * {@code /mfa/challenge} with the Twilio stand-in answering too late, with 500, or dropping
 * the connection. The client gets a 503 JSON error, the enrollment or challenge can be asked
 * for again, the resent code passes the token endpoint, the stand-in sees exactly one request
 * per send (these faults are never retried: the provider may have taken the message), and
 * the failure is in the audit log. The sending limits are the defaults.
 */
class MfaApiDeliveryFaultTest {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final AtomicInteger NUMBERS = new AtomicInteger(200);

    private static StandInServer twilio;
    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        twilio = new StandInServer();
        server = MfaApi.startServer(Map.of(
                "TWOFOLD_SMS_PROVIDER", "twilio",
                "TWOFOLD_TWILIO_BASE_URL", twilio.url(),
                "TWOFOLD_TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000002",
                "TWOFOLD_TWILIO_AUTH_TOKEN", "token",
                "TWOFOLD_TWILIO_FROM", "+15555550000",
                "TWOFOLD_DELIVERY_TIMEOUT", "2"));
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        twilio.close();
    }

    @Test
    void associateWhenProviderIsSlowThen503AndAssociatingAgainSendsACodeThatVerifies() {
        assertAssociateFailsThenResendVerifies(StandInServer.Behaviour.SLOW,
                "did not answer in time");
    }

    @Test
    void associateWhenProviderAnswers500Then503AndAssociatingAgainSendsACodeThatVerifies() {
        assertAssociateFailsThenResendVerifies(StandInServer.Behaviour.FAIL_500,
                "answered with an error (HTTP 500)");
    }

    @Test
    void associateWhenConnectionDropsThen503AndAssociatingAgainSendsACodeThatVerifies() {
        assertAssociateFailsThenResendVerifies(StandInServer.Behaviour.DROP,
                "connection to the delivery provider broke");
    }

    @Test
    void challengeWhenProviderIsSlowThen503AndChallengingAgainSendsACodeThatVerifies() {
        assertChallengeFailsThenResendVerifies(StandInServer.Behaviour.SLOW,
                "did not answer in time");
    }

    @Test
    void challengeWhenProviderAnswers500Then503AndChallengingAgainSendsACodeThatVerifies() {
        assertChallengeFailsThenResendVerifies(StandInServer.Behaviour.FAIL_500,
                "answered with an error (HTTP 500)");
    }

    @Test
    void challengeWhenConnectionDropsThen503AndChallengingAgainSendsACodeThatVerifies() {
        assertChallengeFailsThenResendVerifies(StandInServer.Behaviour.DROP,
                "connection to the delivery provider broke");
    }

    @Test
    void associateWhileProviderIsSlowThenTheUserRowIsNotLocked() throws Exception {
        User user = newUser("lock");
        String mfaToken = api.mfaToken(user.email().orElseThrow());
        int before = twilio.received().size();
        twilio.behave(StandInServer.Behaviour.SLOW);
        try {
            CompletableFuture<Http.Answer> associate = CompletableFuture.supplyAsync(() ->
                    api.associateSms(mfaToken, newNumber()));
            awaitRequests(before + 1);

            long started = System.nanoTime();
            server.server().services().database().inTransaction(handle -> handle.createQuery(
                            "SELECT user_id FROM users WHERE user_id = :id FOR UPDATE")
                    .bind("id", user.userId()).mapTo(String.class).one());
            Duration waited = Duration.ofNanos(System.nanoTime() - started);

            assertThat(associate.get().status()).isEqualTo(503);
            assertThat(waited).as("time to lock the user's row during the provider call")
                    .isLessThan(Duration.ofMillis(500));
        } finally {
            twilio.behave(StandInServer.Behaviour.ACCEPT);
        }
    }

    private void assertAssociateFailsThenResendVerifies(StandInServer.Behaviour fault,
                                                        String cause) {
        User user = newUser("assoc");
        String phone = newNumber();
        String mfaToken = api.mfaToken(user.email().orElseThrow());
        int before = twilio.received().size();

        twilio.behave(fault);
        Http.Answer failed = api.associateSms(mfaToken, phone);
        int afterFailure = twilio.received().size();
        twilio.behave(StandInServer.Behaviour.ACCEPT);
        Http.Answer resent = api.associateSms(mfaToken, phone);

        assertDeliveryFailed(failed, cause);
        assertThat(afterFailure - before).as("requests for the failed send").isEqualTo(1);
        assertThat(resent.status()).as(resent.body()).isEqualTo(200);
        assertThat(twilio.received().size() - before).as("requests in all").isEqualTo(2);
        Http.Answer verified = api.oobGrant(mfaToken, resent.text("oob_code"), lastCode(phone));
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(verified.text("access_token")).isNotBlank();
        assertSendsAudited(user, 1, 1);
    }

    private void assertChallengeFailsThenResendVerifies(StandInServer.Behaviour fault,
                                                        String cause) {
        User user = newUser("chal");
        String phone = newNumber();
        enrollSms(user, phone);
        String mfaToken = api.mfaToken(user.email().orElseThrow());
        int before = twilio.received().size();

        twilio.behave(fault);
        Http.Answer failed = api.challenge(mfaToken, "oob", null);
        int afterFailure = twilio.received().size();
        twilio.behave(StandInServer.Behaviour.ACCEPT);
        Http.Answer resent = api.challenge(mfaToken, "oob", null);

        assertDeliveryFailed(failed, cause);
        assertThat(afterFailure - before).as("requests for the failed send").isEqualTo(1);
        assertThat(resent.status()).as(resent.body()).isEqualTo(200);
        assertThat(twilio.received().size() - before).as("requests in all").isEqualTo(2);
        Http.Answer verified = api.oobGrant(mfaToken, resent.text("oob_code"), lastCode(phone));
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertSendsAudited(user, 2, 1);
    }

    private static void enrollSms(User user, String phone) {
        String mfaToken = api.mfaToken(user.email().orElseThrow());
        Http.Answer associated = api.associateSms(mfaToken, phone);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        Http.Answer confirmed = api.oobGrant(mfaToken, associated.text("oob_code"),
                lastCode(phone));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
    }

    private static void assertDeliveryFailed(Http.Answer answer, String cause) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.header("Retry-After")).isEqualTo("30");
        assertThat(answer.text("error")).isEqualTo("delivery_failed");
        assertThat(answer.text("error_description")).contains(cause);
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("at dev.");
    }

    /** The stand-in's latest message to the phone, as Twilio would deliver its Body. */
    private static String lastCode(String phone) {
        List<StandInServer.Received> toPhone = twilio.received().stream()
                .filter(request -> phone.equals(formField(request.body(), "To")))
                .toList();
        assertThat(toPhone).as("messages to " + phone).isNotEmpty();
        String body = formField(toPhone.getLast().body(), "Body");
        Matcher matcher = CODE.matcher(body);
        assertThat(matcher.find()).as(body).isTrue();
        return matcher.group(1);
    }

    static String formField(String form, String name) {
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            if (URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8)
                    .equals(name)) {
                return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void assertSendsAudited(User user, int sent, int failed) {
        List<AuditEntry> entries = server.server().services().auditLog().list(new AuditQuery(
                Map.of("user_id", user.userId()), Optional.empty(), true, 100, 0));
        List<String> types = entries.stream().map(AuditEntry::type).toList();
        assertThat(types.stream().filter("gd_send_sms"::equals)).hasSize(sent);
        assertThat(types.stream().filter("gd_send_sms_failure"::equals)).hasSize(failed);
        AuditEntry failure = entries.stream()
                .filter(entry -> entry.type().equals("gd_send_sms_failure")).findFirst()
                .orElseThrow();
        assertThat(failure.ip()).isEqualTo("127.0.0.1");
        assertThat(failure.details()).containsEntry("channel", "sms");
    }

    private static User newUser(String prefix) {
        String email = prefix + "-" + System.nanoTime() + "@example.com";
        return server.fixtures().user(email, MfaApi.PASSWORD);
    }

    /** A fresh number per test, so the per-destination limit never mixes tests. */
    private static String newNumber() {
        return "+1555555" + String.format("%04d", NUMBERS.incrementAndGet());
    }

    private static void awaitRequests(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (twilio.received().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(twilio.received()).hasSizeGreaterThanOrEqualTo(count);
    }
}
