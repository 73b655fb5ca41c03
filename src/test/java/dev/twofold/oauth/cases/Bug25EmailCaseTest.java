package dev.twofold.oauth.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CASES.md BUG-25: one account per case-folded address, found by every spelling. */
class Bug25EmailCaseTest {

    private static final String REGISTERED = "Alice.Example@Example.COM";
    private static TestServer server;
    private static Http.Answer signup;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        signup = signup(REGISTERED, "Correct-Horse-9");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer signup(String email, String password) {
        return server.http().postJson("/dbconnections/signup", Map.of("client_id", "c1",
                "email", email, "password", password,
                "connection", "Username-Password-Authentication"));
    }

    private static JWTClaimsSet idToken(String username) throws Exception {
        Http.Answer answer = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "password", "username", username, "password", "Correct-Horse-9",
                "client_id", "c1", "client_secret", "s1-secret", "scope", "openid email"));
        assertThat(answer.status()).isEqualTo(200);
        return SignedJWT.parse(answer.text("id_token")).getJWTClaimsSet();
    }

    @Test
    void signupWhenMixedCaseThenStoredAsTyped() {
        assertThat(signup.status()).isEqualTo(200);
        assertThat(signup.text("email")).isEqualTo(REGISTERED);
        assertThat(signup.json().get("email_verified").asBoolean()).isFalse();
        assertThat(signup.text("_id")).isNotBlank();
    }

    @Test
    void passwordGrantWhenAnySpellingThenSameSubjectAndStoredEmail() throws Exception {
        JWTClaimsSet exact = idToken(REGISTERED);
        JWTClaimsSet lower = idToken("alice.example@example.com");
        JWTClaimsSet upper = idToken("ALICE.EXAMPLE@EXAMPLE.COM");

        assertThat(lower.getSubject()).isEqualTo(exact.getSubject());
        assertThat(upper.getSubject()).isEqualTo(exact.getSubject());
        assertThat(exact.getSubject()).isEqualTo("auth0|" + signup.text("_id"));
        assertThat(upper.getStringClaim("email")).isEqualTo(REGISTERED);
    }

    @Test
    void signupWhenOtherSpellingOfExistingAddressThenRefusedWithoutSecondAccount() {
        Http.Answer again = signup("alice.example@example.com", "Another-Pass-7");

        assertThat(again.status()).isEqualTo(400);
        assertThat(again.text("error")).isEqualTo("invalid_signup");
        assertThat(server.server().services().users().findAllByEmail(REGISTERED)).hasSize(1);
    }
}
