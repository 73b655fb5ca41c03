package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CASES.md BUG-25 steps 2, 3 and 5 with MFA: the email channel of a user registered with
 * capitals mails the stored address only, and every spelling of the login ends, after the
 * second factor, in an ID token with the same subject.
 */
class Bug25EmailChannelTest {

    private static final String REGISTERED = "Alice.Example@Example.COM";
    private static TestServer server;
    private static MfaApi api;
    private static String userId;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
        Http.Answer signup = api.http().postJson("/dbconnections/signup", Map.of(
                "client_id", "c1", "email", REGISTERED, "password", MfaApi.PASSWORD,
                "connection", "Username-Password-Authentication"));
        assertThat(signup.status()).as(signup.body()).isEqualTo(200);
        userId = "auth0|" + signup.text("_id");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String emailAuthenticatorId(String mfaToken) {
        for (JsonNode authenticator : api.authenticators(mfaToken).json()) {
            if ("email".equals(authenticator.path("oob_channel").asText())) {
                return authenticator.get("id").asText();
            }
        }
        throw new AssertionError("no email authenticator listed");
    }

    /** LOGIN() with one spelling, then the email factor; answers the ID token's claims. */
    private static JsonNode loginWithEmailFactor(String spelling, boolean enroll) {
        String mfaToken = api.mfaToken(spelling);
        String oobCode = enroll
                ? api.associateEmail(mfaToken).text("oob_code")
                : api.challenge(mfaToken, "oob", emailAuthenticatorId(mfaToken))
                        .text("oob_code");
        Http.Answer tokens = api.oobGrant(mfaToken, oobCode, api.lastCode(REGISTERED));
        assertThat(tokens.status()).as(spelling + ": " + tokens.body()).isEqualTo(200);
        return MfaApi.claims(tokens.text("id_token"));
    }

    @Test
    void emailFactorWhenAnySpellingThenOneAddressAndSameSubject() {
        List<JsonNode> idTokens = new ArrayList<>();
        idTokens.add(loginWithEmailFactor(REGISTERED, true));
        idTokens.add(loginWithEmailFactor("alice.example@example.com", false));
        idTokens.add(loginWithEmailFactor("ALICE.EXAMPLE@EXAMPLE.COM", false));

        for (JsonNode idToken : idTokens) {
            assertThat(idToken.get("sub").asText()).isEqualTo(userId);
            assertThat(idToken.get("amr").toString()).contains("\"mfa\"");
        }
        JsonNode mails = api.outbox(REGISTERED);
        assertThat(mails.size()).isEqualTo(3);
        for (JsonNode mail : mails) {
            assertThat(mail.get("channel").asText()).isEqualTo("email");
            assertThat(mail.get("to").asText()).isEqualTo(REGISTERED);
        }
    }
}
