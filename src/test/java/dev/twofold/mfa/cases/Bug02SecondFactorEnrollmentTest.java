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

/** BUG-02: the login mfa_token enrolls only the first factor; later ones need MFA first. */
class Bug02SecondFactorEnrollmentTest {

    private static final String PHONE = "+15555550102";
    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void associateWhenMfaTokenAndUserEnrolledThenRefusedUntilMfaAccessToken() {
        String email = api.newUser("u");
        api.enrollSms(email, PHONE);
        String mfaToken = api.mfaToken(email);

        Http.Answer refused = api.associateEmail(mfaToken);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("error_description")).contains("already enrolled")
                .contains("existing");
        assertThat(api.outbox(email).size()).isZero();
        List<String> ids = ids(api.authenticators(mfaToken).json());
        assertThat(ids).filteredOn(id -> !id.startsWith("recovery-code|")).hasSize(1)
                .allMatch(id -> id.startsWith("sms|"));

        String enrollToken = passSmsFor(email, Map.of("audience", server.issuer() + "mfa/",
                "scope", "enroll"));
        Http.Answer second = api.associateEmail(enrollToken);

        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.text("authenticator_type")).isEqualTo("oob");
        assertThat(second.text("oob_channel")).isEqualTo("email");
        assertThat(second.text("oob_code")).isNotBlank();
        assertThat(second.text("binding_method")).isEqualTo("prompt");
        assertThat(second.json().has("recovery_codes")).isFalse();
        assertThat(api.outbox(email).size()).isEqualTo(1);
    }

    @Test
    void associateWhenEnrollTokenDidNotPassMfaThenRefused() {
        String email = api.newUser("v");
        server.fixtures().mfaPolicy("never");
        Http.Answer login = api.login(email, Map.of("audience", server.issuer() + "mfa/",
                "scope", "enroll"));
        server.fixtures().mfaPolicy("all-applications");
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        String withoutMfa = login.text("access_token");
        api.enrollSms(email, "+15555550103");

        Http.Answer refused = api.associateEmail(withoutMfa);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("error_description")).contains("did not pass MFA");
    }

    private static String passSmsFor(String email, Map<String, String> extra) {
        Http.Answer login = api.login(email, extra);
        assertThat(login.status()).as(login.body()).isEqualTo(403);
        String mfaToken = login.text("mfa_token");
        Http.Answer challenge = api.challenge(mfaToken, "oob", null);
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
        Http.Answer tokens = api.oobGrant(mfaToken, challenge.text("oob_code"),
                api.lastCode(PHONE));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        return tokens.text("access_token");
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }
}
