package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.delivery.Channel;
import dev.twofold.delivery.Message;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import dev.twofold.store.User;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real token-endpoint and Management API flows leave the audit entries and counts expected. */
class AuditedFlowsTest {

    private static TestServer server;
    private static User alice;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        alice = server.fixtures().alice();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer login(String password) {
        return server.http().raw("POST", "/oauth/token", "application/x-www-form-urlencoded",
                Http.form(Map.of("grant_type", "password", "username", Fixtures.ALICE,
                        "password", password, "client_id", "c1", "client_secret", "s1-secret",
                        "scope", "openid offline_access")), "User-Agent", "FlowAgent/2.0");
    }

    private static List<AuditEntry> entries(String type) {
        return server.server().services().auditLog().list(new AuditQuery(Map.of("type", type),
                Optional.empty(), true, 100, 0));
    }

    private static Prometheus scrape() {
        int port = server.server().services().metrics().managementPort().orElseThrow();
        return new Prometheus(new Http("http://127.0.0.1:" + port).get("/metrics").body());
    }

    @Test
    void passwordGrantWhenRightThenSuccessLoginAuditedWithUserAndCounted() {
        double before = scrape().value("twofold_logins_total", "outcome", "success");
        int entriesBefore = entries("s").size();

        Http.Answer answer = login(Fixtures.ALICE_PASSWORD);

        assertThat(answer.status()).isEqualTo(200);
        List<AuditEntry> logins = entries("s");
        assertThat(logins).hasSize(entriesBefore + 1);
        AuditEntry entry = logins.get(logins.size() - 1);
        assertThat(entry.userId()).isEqualTo(alice.userId());
        assertThat(entry.clientId()).isEqualTo("c1");
        assertThat(entry.userAgent()).isEqualTo("FlowAgent/2.0");
        assertThat(entry.ip()).isEqualTo("127.0.0.1");
        assertThat(entry.requestId()).isEqualTo(answer.header("X-Request-Id"));
        assertThat(scrape().value("twofold_logins_total", "outcome", "success") - before)
                .isEqualTo(1.0);
    }

    private static Http.Answer loginAs(String username, String password) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "username", username, "password", password, "client_id", "c1",
                "client_secret", "s1-secret"));
    }

    private static AuditEntry last(String type) {
        List<AuditEntry> all = entries(type);
        assertThat(all).as("entries of type " + type).isNotEmpty();
        return all.get(all.size() - 1);
    }

    @Test
    void passwordGrantWhenWrongThenWrongPasswordAuditedWithUserAndCounted() {
        double before = scrape().value("twofold_logins_total", "outcome", "failure");

        Http.Answer answer = login("Wrong-Password-1");

        assertThat(answer.status()).isEqualTo(400);
        AuditEntry entry = last("fp");
        assertThat(entry.userId()).isEqualTo(alice.userId());
        assertThat(entry.details()).containsEntry("user_name", Fixtures.ALICE)
                .containsEntry("error", "invalid_grant");
        assertThat(entry.outcome()).isEqualTo("failure");
        assertThat(scrape().value("twofold_logins_total", "outcome", "failure") - before)
                .isEqualTo(1.0);
    }

    @Test
    void passwordGrantWhenNameUnknownThenUnknownUserAuditedAndAnswerSameAsWrongPassword() {
        String stranger = "stranger-" + System.nanoTime() + "@example.com";

        Http.Answer unknown = loginAs(stranger, "Wrong-Password-1");
        Http.Answer wrong = loginAs(Fixtures.ALICE, "Wrong-Password-1");

        assertThat(unknown.status()).isEqualTo(wrong.status());
        assertThat(unknown.body()).isEqualTo(wrong.body());
        AuditEntry entry = last("fu");
        assertThat(entry.userId()).isNull();
        assertThat(entry.details()).containsEntry("user_name", stranger);
    }

    @Test
    void passwordGrantWhenUserBlockedThenBlockedUserAuditedWithUser() {
        String email = "blocked-" + System.nanoTime() + "@example.com";
        User user = server.fixtures().user(email, "Blocked-Password-1");
        server.server().services().database().withHandle(handle -> handle.createUpdate(
                "UPDATE users SET blocked = TRUE WHERE user_id = :id")
                .bind("id", user.userId()).execute());

        Http.Answer answer = loginAs(email, "Blocked-Password-1");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(last("fu_blocked").userId()).isEqualTo(user.userId());
    }

    @Test
    void passwordGrantWhenNameLockedForThisAddressThenLockAudited() {
        String name = "guessed-" + System.nanoTime() + "@example.com";
        for (int i = 0; i < 10; i++) {
            loginAs(name, "Guess-" + i);
        }

        Http.Answer locked = loginAs(name, "Guess-10");

        assertThat(locked.status()).isEqualTo(429);
        assertThat(last("limit_wc").details()).containsEntry("user_name", name)
                .containsEntry("error", "too_many_attempts");
    }

    @Test
    void refreshGrantWhenTokenRotatedThenSuccessRefreshAudited() {
        String refreshToken = login(Fixtures.ALICE_PASSWORD).text("refresh_token");
        int before = entries("sertft").size();

        Http.Answer answer = server.http().postForm("/oauth/token", Map.of("grant_type",
                "refresh_token", "refresh_token", refreshToken, "client_id", "c1",
                "client_secret", "s1-secret"));

        assertThat(answer.status()).isEqualTo(200);
        List<AuditEntry> refreshes = entries("sertft");
        assertThat(refreshes).hasSize(before + 1);
        assertThat(refreshes.get(refreshes.size() - 1).userId()).isEqualTo(alice.userId());
    }

    @Test
    void refreshGrantWhenRotatedTokenReusedThenReuseAuditedOnceWithUser() {
        String refreshToken = login(Fixtures.ALICE_PASSWORD).text("refresh_token");
        Map<String, String> refresh = Map.of("grant_type", "refresh_token", "refresh_token",
                refreshToken, "client_id", "c1", "client_secret", "s1-secret");
        server.http().postForm("/oauth/token", refresh);
        int reusesBefore = entries("ferrt").size();
        int failuresBefore = entries("fertft").size();

        Http.Answer reuse = server.http().postForm("/oauth/token", refresh);

        assertThat(reuse.status()).isEqualTo(400);
        List<AuditEntry> reuses = entries("ferrt");
        assertThat(reuses).hasSize(reusesBefore + 1);
        assertThat(reuses.get(reuses.size() - 1).userId()).isEqualTo(alice.userId());
        assertThat(entries("fertft")).hasSize(failuresBefore);
    }

    @Test
    void senderWhenSmsSentThenCountedAndAuditedWithoutTheCode() {
        double before = scrape().value("twofold_messages_sent_total", "channel", "sms",
                "outcome", "success");
        int entriesBefore = entries("gd_send_sms").size();

        server.server().services().sender(Channel.SMS).send(new Message(Channel.SMS,
                "+15555550142", "918273", Duration.ofMinutes(5), Locale.ENGLISH,
                alice.userId(), "198.51.100.7"));

        assertThat(scrape().value("twofold_messages_sent_total", "channel", "sms",
                "outcome", "success") - before).isEqualTo(1.0);
        List<AuditEntry> sent = entries("gd_send_sms");
        assertThat(sent).hasSize(entriesBefore + 1);
        AuditEntry entry = sent.get(sent.size() - 1);
        assertThat(entry.userId()).isEqualTo(alice.userId());
        assertThat(entry.ip()).isEqualTo("198.51.100.7");
        assertThat(entry.toJson().toString()).doesNotContain("918273");
    }

    @Test
    void managementApiWhenChangeRefusedThenFailedApiOperationAudited() {
        int before = entries("fapi").size();

        Http.Answer answer = server.http().postJson("/api/v2/clients", Map.of("name", "x"),
                "not-a-token");

        assertThat(answer.status()).isEqualTo(401);
        List<AuditEntry> refused = entries("fapi");
        assertThat(refused).hasSize(before + 1);
        assertThat(refused.get(refused.size() - 1).description())
                .isEqualTo("POST /api/v2/clients");
    }
}
