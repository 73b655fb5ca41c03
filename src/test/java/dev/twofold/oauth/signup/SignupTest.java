package dev.twofold.oauth.signup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Auth0's POST /dbconnections/signup. */
class SignupTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().publicClient();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer signup(Map<String, String> fields) {
        return server.http().postForm("/dbconnections/signup", fields);
    }

    @Test
    void signupWhenValidThenUserCanLogIn() {
        Http.Answer answer = signup(Map.of("client_id", "spa", "email", "bob@example.com",
                "password", "Long-Enough-1", "connection", "Username-Password-Authentication",
                "given_name", "Bob"));
        Http.Answer login = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "password", "client_id", "spa", "username", "bob@example.com",
                "password", "Long-Enough-1"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text("email")).isEqualTo("bob@example.com");
        assertThat(answer.text("given_name")).isEqualTo("Bob");
        assertThat(login.status()).isEqualTo(200);
    }

    @Test
    void signupWhenPasswordShortThenInvalidPasswordNamingTheMinimum() {
        Http.Answer answer = signup(Map.of("client_id", "spa", "email", "carol@example.com",
                "password", "Tiny-1", "connection", "Username-Password-Authentication"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_password");
        assertThat(answer.text("error_description")).contains("at least 8 characters")
                .doesNotContain("Tiny-1");
        assertThat(server.server().services().users().findAllByEmail("carol@example.com"))
                .isEmpty();
    }

    @Test
    void signupWhenEmailMalformedOrClientUnknownThen400() {
        Http.Answer badEmail = signup(Map.of("client_id", "spa", "email", "not-an-address",
                "password", "Long-Enough-1"));
        Http.Answer badClient = signup(Map.of("client_id", "nope", "email", "d@example.com",
                "password", "Long-Enough-1"));

        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.text("error")).isEqualTo("invalid_signup");
        assertThat(badClient.status()).isEqualTo(400);
        assertThat(badClient.text("error")).isEqualTo("invalid_request");
    }
}
