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

    /**
     * An address of up to 320 characters is accepted, so the name and nickname derived from
     * it must fit their 255-character columns; a name given longer than that is refused
     * naming the field, not as "this email address cannot be registered".
     */
    @Test
    void signupWhenLongAddressOrNameThenUserCreatedOrFieldNamed() {
        String longAddress = "l".repeat(290) + "@example.com";

        Http.Answer created = signup(Map.of("client_id", "spa", "email", longAddress,
                "password", "Long-Enough-1"));
        Http.Answer refused = signup(Map.of("client_id", "spa", "email", "n@example.com",
                "password", "Long-Enough-1", "name", "n".repeat(256)));

        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.text("email")).isEqualTo(longAddress);
        assertThat(created.text("name")).hasSize(255);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text("error")).isEqualTo("invalid_signup");
        assertThat(refused.text("error_description")).contains("name has 256 characters")
                .contains("at most 255").doesNotContain("cannot be registered");
        assertThat(server.server().services().users().findAllByEmail("n@example.com"))
                .isEmpty();
    }
}
