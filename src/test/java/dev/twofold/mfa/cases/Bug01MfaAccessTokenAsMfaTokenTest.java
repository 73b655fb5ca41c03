package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.mfa.MfaApi;
import dev.twofold.store.Client;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * BUG-01: an access token for the MFA API is accepted as a step-up mfa_token everywhere an
 * mfa_token is (part A), and every wrong token gets its own explanation (part B). Part A
 * gets its token through the password grant with the MFA audience (the hosted login is
 * another module's); the tenant policy is "never", so only the MFA audience decides.
 */
class Bug01MfaAccessTokenAsMfaTokenTest {

    private static final String PHONE = "+15555550100";
    private static final String ACR =
            "http://schemas.openid.net/pape/policies/2007/06/multi-factor";
    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        server.fixtures().mfaPolicy("never");
        server.fixtures().confidentialClient("c2", "s2-secret", "client_secret_post");
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Answer spaLogin(String email, String audience, String scope) {
        return api.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "client_id", "spa", "username", email, "password", MfaApi.PASSWORD,
                "audience", audience, "scope", scope));
    }

    private static Http.Answer spaOob(String mfaToken, String oobCode, String bindingCode) {
        return api.http().postForm("/oauth/token", Map.of("grant_type", Fixtures.MFA_OOB,
                "client_id", "spa", "mfa_token", mfaToken, "oob_code", oobCode,
                "binding_code", bindingCode));
    }

    @Test
    void partAWhenMfaAccessTokenEnrollsConfirmsAndChallengesThenStepUpSucceeds() {
        String email = api.newUser("u");
        Http.Answer login = spaLogin(email, server.issuer() + "mfa/",
                "openid enroll read:authenticators");
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        String token = login.text("access_token");

        Http.Answer associated = api.http().postJson("/mfa/associate", Map.of(
                "authenticator_types", List.of("oob"), "oob_channels", List.of("sms"),
                "phone_number", PHONE), token);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        assertThat(associated.text("oob_code")).isNotBlank();
        assertThat(associated.text("binding_method")).isEqualTo("prompt");
        assertThat(associated.json().get("recovery_codes").size()).isEqualTo(1);

        Http.Answer confirmed = spaOob(token, associated.text("oob_code"), api.lastCode(PHONE));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        String authenticatorId = api.authenticators(token).json().findValuesAsText("id")
                .stream().filter(id -> id.startsWith("sms|")).findFirst().orElseThrow();
        int sentBefore = api.outbox(PHONE).size();

        Http.Answer challenge = api.http().postJson("/mfa/challenge", Map.of("client_id", "spa",
                "mfa_token", token, "challenge_type", "oob", "authenticator_id",
                authenticatorId));

        assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
        assertThat(challenge.text("challenge_type")).isEqualTo("oob");
        assertThat(challenge.text("oob_code")).isNotBlank();
        assertThat(challenge.text("binding_method")).isEqualTo("prompt");
        assertThat(api.outbox(PHONE).size()).isEqualTo(sentBefore + 1);

        Http.Answer stepUp = spaOob(token, challenge.text("oob_code"), api.lastCode(PHONE));

        assertThat(stepUp.status()).as(stepUp.body()).isEqualTo(200);
        JsonNode amr = MfaApi.claims(stepUp.text("access_token")).get("amr");
        List<String> methods = new ArrayList<>();
        amr.forEach(value -> methods.add(value.asText()));
        assertThat(methods).contains("sms", "mfa");
        JsonNode idAmr = MfaApi.claims(stepUp.text("id_token")).get("amr");
        assertThat(idAmr.toString()).contains("\"sms\"").contains("\"mfa\"");
    }

    @Nested
    class PartB {

        private final Map<String, String> descriptions = new LinkedHashMap<>();

        @Test
        void challengeWhenEachWrongTokenThenInvalidGrantWithItsOwnDescription() {
            String phone = "+15555550177";
            String email = api.newUser("b");
            api.enrollSms(email, phone);
            Http.Answer plain = api.login(email, Map.of());
            assertThat(plain.status()).as(plain.body()).isEqualTo(200);
            String mfaAccessToken = passMfa(email, Map.of("audience",
                    server.issuer() + "mfa/", "scope", "enroll")).text("access_token");
            String otherClient = otherClientMfaToken(email);
            String used = mfaTokenOf(api.login(email, Map.of("acr_values", ACR)));
            passMfa(used);
            int sent = api.outbox(phone).size();

            refused("refresh token", plain.text("refresh_token"), "refresh token");
            refused("ID token", plain.text("id_token"), "ID token");
            refused("other audience", plain.text("access_token"),
                    "access token for audience " + server.issuer() + "userinfo");
            server.clock().advance(Duration.ofMinutes(11));
            refused("expired", mfaAccessToken, "expired at");
            server.clock().advance(Duration.ofMinutes(-11));
            refused("other client", otherClient, "another client");
            refused("already used", used, "already used");
            refused("abc", "abc", "not a token issued by this server");

            assertThat(descriptions.values()).doesNotHaveDuplicates().hasSize(7);
            refused("other client's access token", otherClientMfaAccessToken(), "another client");
            assertThat(api.outbox(phone).size()).isEqualTo(sent);
        }

        @Test
        void userinfoWhenRealMfaTokenThenInvalidTokenNamingTheMfaToken() {
            String email = api.newUser("h");
            String mfaToken = mfaTokenOf(api.login(email, Map.of("acr_values", ACR)));

            Http.Answer answer = api.http().get("/userinfo", mfaToken);

            assertThat(answer.status()).as(answer.body()).isEqualTo(401);
            assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer ")
                    .contains("error=\"invalid_token\"");
            assertThat(answer.text("error")).isEqualTo("invalid_token");
            assertThat(answer.text("error_description")).contains("mfa_token")
                    .contains("not an access token").doesNotContain(mfaToken);
        }

        private String otherClientMfaAccessToken() {
            Http.Answer answer = api.http().postForm("/oauth/token", Map.of(
                    "grant_type", "password", "client_id", "c2", "client_secret", "s2-secret",
                    "username", api.newUser("e"), "password", MfaApi.PASSWORD,
                    "audience", server.issuer() + "mfa/", "scope", "enroll"));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            return answer.text("access_token");
        }

        private Http.Answer passMfa(String email, Map<String, String> extra) {
            Map<String, String> fields = new LinkedHashMap<>(extra);
            fields.put("acr_values", ACR);
            Http.Answer answer = passMfa(mfaTokenOf(api.login(email, fields)));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            return answer;
        }

        private Http.Answer passMfa(String mfaToken) {
            Http.Answer challenge = api.challenge(mfaToken, "oob", null);
            assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
            return api.oobGrant(mfaToken, challenge.text("oob_code"),
                    api.lastCode("+15555550177"));
        }

        private static String mfaTokenOf(Http.Answer answer) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(403);
            return answer.text("mfa_token");
        }

        private void refused(String name, String token, String named) {
            Http.Answer answer = api.challenge(token, "oob", null);

            assertThat(answer.status()).as(name + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.text("error")).as(name).isEqualTo("invalid_grant");
            assertThat(answer.text("error_description")).as(name).contains(named)
                    .contains("mfa_token");
            descriptions.put(name, answer.text("error_description"));
        }

        private String otherClientMfaToken(String email) {
            Http.Answer answer = api.http().postForm("/oauth/token", Map.of(
                    "grant_type", "password", "client_id", "c2", "client_secret", "s2-secret",
                    "username", email, "password", MfaApi.PASSWORD, "acr_values", ACR));
            assertThat(answer.status()).as(answer.body()).isEqualTo(403);
            return answer.text("mfa_token");
        }
    }
}
