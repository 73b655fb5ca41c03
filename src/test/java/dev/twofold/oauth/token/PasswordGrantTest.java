package dev.twofold.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PasswordGrantTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().alice();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer login(String username, String password) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "username", username, "password", password, "client_id", "c1",
                "client_secret", "s1-secret", "scope", "openid offline_access"));
    }

    @Test
    void passwordGrantWhenCredentialsRightThenIssuesAllThreeTokens() {
        Http.Answer answer = login(Fixtures.ALICE, Fixtures.ALICE_PASSWORD);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.header("Pragma")).isEqualTo("no-cache");
        assertThat(answer.text("token_type")).isEqualTo("Bearer");
        assertThat(answer.text("access_token")).isNotBlank();
        assertThat(answer.text("id_token")).isNotBlank();
        assertThat(answer.text("refresh_token")).startsWith("rt_");
        assertThat(answer.text("scope").split(" ")).containsExactlyInAnyOrder("openid",
                "offline_access");
        assertThat(answer.json().get("expires_in").asLong()).isEqualTo(86_400);
    }

    @Test
    void passwordGrantWhenPasswordWrongOrUserUnknownThenSameInvalidGrant() {
        Http.Answer wrongPassword = login(Fixtures.ALICE, "not-her-password");
        Http.Answer unknownUser = login("nobody@example.com", "not-her-password");

        for (Http.Answer answer : new Http.Answer[] {wrongPassword, unknownUser}) {
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.text("error")).isEqualTo("invalid_grant");
            assertThat(answer.text("error_description")).isEqualTo("Wrong email or password.");
            assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        }
        assertThat(wrongPassword.body()).isEqualTo(unknownUser.body());
    }

    @Test
    void passwordRealmWhenRealmIsTheDefaultConnectionThenIssues() {
        Http.Answer answer = server.http().postJson("/oauth/token", Map.of(
                "grant_type", Fixtures.PASSWORD_REALM, "realm", "Username-Password-Authentication",
                "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text("access_token")).isNotBlank();
        assertThat(answer.json().has("refresh_token")).isFalse();
        assertThat(answer.json().has("id_token")).isFalse();
    }

    @Test
    void passwordGrantWhenAudienceUnknownThenAccessDeniedNamingIt() {
        Http.Answer answer = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "password", "username", Fixtures.ALICE,
                "password", Fixtures.ALICE_PASSWORD, "client_id", "c1",
                "client_secret", "s1-secret", "audience", "https://no-such-api.example/"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text("error")).isEqualTo("access_denied");
        assertThat(answer.text("error_description")).contains("https://no-such-api.example/");
    }

    @Test
    void passwordRealmWhenRealmUnknownThenInvalidRequestNamingTheConnectionForAnyUser() {
        Map<String, String> known = new java.util.HashMap<>(Map.of("grant_type",
                "http://auth0.com/oauth/grant-type/password-realm", "realm", "employees",
                "username", "alice@example.com", "password", "Correct-Horse-9",
                "client_id", "c1", "client_secret", "s1-secret"));
        Map<String, String> unknown = new java.util.HashMap<>(known);
        unknown.put("username", "nobody@example.com");

        Http.Answer forAlice = server.http().postForm("/oauth/token", known);
        Http.Answer forNobody = server.http().postForm("/oauth/token", unknown);

        assertThat(forAlice.status()).isEqualTo(400);
        assertThat(forAlice.text("error")).isEqualTo("invalid_request");
        assertThat(forAlice.text("error_description")).contains("realm 'employees'")
                .contains("Username-Password-Authentication");
        assertThat(forNobody.body()).isEqualTo(forAlice.body());
    }

    @Test
    void passwordRealmWhenRealmIsTheDatabaseConnectionThenTokens() {
        Http.Answer answer = server.http().postForm("/oauth/token", Map.of("grant_type",
                "http://auth0.com/oauth/grant-type/password-realm",
                "realm", "Username-Password-Authentication", "username", "alice@example.com",
                "password", "Correct-Horse-9", "client_id", "c1", "client_secret", "s1-secret"));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }
}
