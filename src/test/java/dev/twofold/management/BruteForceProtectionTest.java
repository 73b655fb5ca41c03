package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Brute-force protection of the password grants: after the configured number of wrong
 * passwords for one email from one address, that address is refused for that email (429
 * too_many_attempts, even with the right password) until the lock ends, an administrator
 * lifts it through /api/v2/user-blocks, or the password changes. Unknown emails behave the
 * same, so the block does not reveal who has an account.
 */
class BruteForceProtectionTest {

    private static final int MAX = 3;
    private static final String PASSWORD = "Correct-Horse-9";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("TWOFOLD_PASSWORD_MAX_FAILURES", Integer.toString(MAX),
                "TWOFOLD_PASSWORD_LOCKOUT", "PT15M"));
        server.fixtures().confidentialClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer login(String email, String password) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "username", email, "password", password, "client_id", "c1",
                "client_secret", "s1-secret"));
    }

    private static String newUser(String prefix) {
        String email = prefix + "-" + System.nanoTime() + "@example.com";
        server.fixtures().user(email, PASSWORD);
        return email;
    }

    private static void guessWrong(String email, int times) {
        for (int i = 0; i < times; i++) {
            Http.Answer answer = login(email, "wrong-" + i);
            assertThat(answer.status()).as(answer.body()).isEqualTo(400);
            assertThat(answer.text("error")).isEqualTo("invalid_grant");
        }
    }

    private static void assertLocked(Http.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(429);
        assertThat(answer.text("error")).isEqualTo("too_many_attempts");
        assertThat(answer.text("error_description")).contains("blocked until");
        long retryAfter = Long.parseLong(answer.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, Duration.ofMinutes(15).toSeconds() + 1);
        assertThat(answer.json().has("access_token")).isFalse();
    }

    @Test
    void loginWhenMaxWrongPasswordsThenRightPasswordRefusedUntilLockEnds() {
        String email = newUser("lock");
        guessWrong(email, MAX);

        assertLocked(login(email, PASSWORD));
        assertLocked(login(email.toUpperCase(java.util.Locale.ROOT), PASSWORD));
        server.clock().advance(Duration.ofMinutes(15).plusSeconds(1));
        try {
            Http.Answer after = login(email, PASSWORD);
            assertThat(after.status()).as(after.body()).isEqualTo(200);
        } finally {
            server.clock().advance(Duration.ofMinutes(-15).minusSeconds(1));
        }
    }

    @Test
    void loginWhenOneEmailLockedThenOtherEmailsFromTheSameAddressStillLogIn() {
        String locked = newUser("victim");
        String other = newUser("bystander");
        guessWrong(locked, MAX);

        assertLocked(login(locked, PASSWORD));
        assertThat(login(other, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void loginWhenSuccessBeforeTheMaximumThenCountStartsAgain() {
        String email = newUser("reset");
        guessWrong(email, MAX - 1);
        assertThat(login(email, PASSWORD).status()).isEqualTo(200);

        guessWrong(email, MAX - 1);

        assertThat(login(email, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void loginWhenEmailUnknownThenBlockedLikeAKnownOne() {
        String nobody = "nobody-" + System.nanoTime() + "@example.com";
        guessWrong(nobody, MAX);

        assertLocked(login(nobody, "anything"));
    }

    @Test
    void userBlocksWhenListedAndDeletedThenAddressShownAndLoginWorksAgain() {
        String email = newUser("admin");
        String userId = server.fixtures().services().users()
                .findByEmail("Username-Password-Authentication", email).orElseThrow().userId();
        String path = "/api/v2/user-blocks/" + URLEncoder.encode(userId, StandardCharsets.UTF_8);
        String token = ManagementTokens.all(server);
        assertThat(server.http().get(path, token).json().get("blocked_for").size()).isZero();
        guessWrong(email, MAX);

        Http.Answer listed = server.http().get(path, token);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(listed.json().get("blocked_for").size()).isEqualTo(1);
        assertThat(listed.json().at("/blocked_for/0/identifier").asText()).isEqualTo(email);
        assertThat(listed.json().at("/blocked_for/0/ip").asText()).isEqualTo("127.0.0.1");
        Http.Answer deleted = server.http().delete(path, token);

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(server.http().get(path, token).json().get("blocked_for").size()).isZero();
        assertThat(login(email, PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void userBlocksWhenPasswordChangedThenBlockLifted() {
        String email = newUser("change");
        String userId = server.fixtures().services().users()
                .findByEmail("Username-Password-Authentication", email).orElseThrow().userId();
        guessWrong(email, MAX);
        assertLocked(login(email, PASSWORD));

        Http.Answer patched = server.http().raw("PATCH", "/api/v2/users/"
                        + URLEncoder.encode(userId, StandardCharsets.UTF_8), "application/json",
                "{\"password\":\"Another-Horse-10\"}",
                "Authorization", "Bearer " + ManagementTokens.all(server));

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(login(email, "Another-Horse-10").status()).isEqualTo(200);
    }

    @Test
    void userBlocksWhenUserUnknownThen404() {
        Http.Answer answer = server.http().get("/api/v2/user-blocks/auth0%7Cnobody",
                ManagementTokens.all(server));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.text("error_description")).isNotBlank();
    }
}
