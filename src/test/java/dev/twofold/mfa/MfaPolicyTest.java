package dev.twofold.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.store.Client;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MFA policy: tenant setting, per-client override, acr_values, factor switches. */
class MfaPolicyTest {

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

    @AfterEach
    void reset() {
        server.fixtures().mfaPolicy("all-applications");
        server.server().services().tenantSettings().put("factor.sms.enabled", "true");
        server.server().services().tenantSettings().put("factor.voice.enabled", "false");
        clientPolicy(Optional.empty());
    }

    @Test
    void loginWhenTenantNeverThenTokensAndWhenAcrValuesAskThenMfaRequired() {
        String email = api.newUser("p");
        server.fixtures().mfaPolicy("never");

        Http.Answer plain = api.login(email, Map.of());
        Http.Answer forced = api.login(email, Map.of("acr_values", MfaApi.ACR_MFA));

        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        assertThat(forced.status()).isEqualTo(403);
        assertThat(forced.text("error")).isEqualTo("mfa_required");
    }

    @Test
    void loginWhenClientOverridesTenantPolicyThenClientWins() {
        String email = api.newUser("c");

        clientPolicy(Optional.of("never"));
        Http.Answer exempt = api.login(email, Map.of());
        server.fixtures().mfaPolicy("never");
        clientPolicy(Optional.of("all-applications"));
        Http.Answer required = api.login(email, Map.of());

        assertThat(exempt.status()).as(exempt.body()).isEqualTo(200);
        assertThat(required.status()).isEqualTo(403);
    }

    @Test
    void associateWhenFactorDisabledThenRefusedNamingTheFactor() {
        String email = api.newUser("f");
        server.server().services().tenantSettings().put("factor.sms.enabled", "false");

        Http.Answer answer = api.associateSms(api.mfaToken(email), "+15555550160");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text("error_description")).contains("sms factor is disabled");
        assertThat(api.outbox("+15555550160").size()).isZero();
    }

    @Test
    void deleteWhenMfaTokenOrUnknownIdThenRefusedAndWhenEncodedIdThenRemoved() {
        String phone = "+15555550161";
        String email = api.newUser("d");
        api.enrollSms(email, phone);
        Http.Answer login = api.login(email, Map.of("audience", server.issuer() + "mfa/",
                "scope", "read:authenticators remove:authenticators"));
        String mfaToken = login.text("mfa_token");
        String id = api.authenticators(mfaToken).json().findValuesAsText("id").stream()
                .filter(value -> value.startsWith("sms|")).findFirst().orElseThrow();
        Http.Answer challenge = api.challenge(mfaToken, "oob", id);
        String token = api.oobGrant(mfaToken, challenge.text("oob_code"), api.lastCode(phone))
                .text("access_token");

        Http.Answer withMfaToken = api.http().delete("/mfa/authenticators/"
                + id.replace("|", "%7C"), api.mfaToken(email));
        Http.Answer unknown = api.http().delete("/mfa/authenticators/sms%7Cdev_nothing", token);
        Http.Answer removed = api.http().delete("/mfa/authenticators/"
                + id.replace("|", "%7C"), token);

        assertThat(withMfaToken.status()).isEqualTo(403);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(removed.status()).isEqualTo(204);
        assertThat(api.authenticators(token).json().size()).isZero();
    }

    @Test
    void voiceWhenEnabledThenEnrollsAndAmrNamesTel() {
        String phone = "+15555550162";
        String email = api.newUser("tel");
        server.server().services().tenantSettings().put("factor.voice.enabled", "true");
        String mfaToken = api.mfaToken(email);

        Http.Answer associated = api.http().postJson("/mfa/associate", Map.of(
                "authenticator_types", List.of("oob"),
                "oob_channels", List.of("voice"), "phone_number", phone), mfaToken);
        String spoken = api.outbox(phone).get(0).get("text").asText();
        String code = spoken.replaceAll("[^0-9]", "").substring(0, 6);
        Http.Answer tokens = api.oobGrant(mfaToken, associated.text("oob_code"), code);

        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        assertThat(associated.text("oob_channel")).isEqualTo("voice");
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        assertThat(MfaApi.claims(tokens.text("access_token")).get("amr").toString())
                .contains("\"tel\"").contains("\"mfa\"");
    }

    private static void clientPolicy(Optional<String> policy) {
        Client c1 = server.server().services().clients().find("c1").orElseThrow();
        server.server().services().clients().save(new Client(c1.clientId(), c1.name(),
                c1.appType(), c1.secretHash(), c1.tokenEndpointAuthMethod(), c1.grantTypes(),
                c1.redirectUris(), c1.logoutUrls(), c1.allowedOrigins(), policy,
                c1.firstParty(), c1.metadataJson(), c1.createdAt(), c1.updatedAt()));
    }
}
