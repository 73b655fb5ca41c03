package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BUG-10: exactly one recovery code is valid at any moment; use and regeneration (through
 * POST /api/v2/users/{id}/recovery-code-regeneration) rotate it.
 */
class Bug10RecoveryCodesTest {

    private static final String OPS_SECRET = "ops-secret-0123456789abcdef0123";
    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer(Map.of("TWOFOLD_BOOTSTRAP_CLIENT_ID", "ops",
                "TWOFOLD_BOOTSTRAP_CLIENT_SECRET", OPS_SECRET));
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void recoveryCodeWhenUsedOrRegeneratedThenOnlyTheNewestWorks() {
        api.freezeMidStep();
        try {
            String email = api.newUser("w");
            String mfaToken = api.mfaToken(email);
            Http.Answer associated = api.associateOtp(mfaToken);
            assertThat(associated.json().get("recovery_codes").size()).isEqualTo(1);
            String r1 = associated.json().get("recovery_codes").get(0).asText();
            assertThat(r1).matches("[A-Z0-9]{24}");
            assertThat(api.otpGrant(mfaToken, MfaApi.totp(associated.text("secret"),
                    server.clock().instant())).status()).isEqualTo(200);

            Http.Answer second = api.recoveryGrant(api.mfaToken(email), r1);
            assertThat(second.status()).as(second.body()).isEqualTo(200);
            assertThat(second.text("access_token")).isNotBlank();
            String r2 = second.text("recovery_code");
            assertThat(r2).isNotBlank().isNotEqualTo(r1);

            invalid(api.recoveryGrant(api.mfaToken(email), r1));

            Http.Answer fourth = api.recoveryGrant(api.mfaToken(email), r2);
            assertThat(fourth.status()).as(fourth.body()).isEqualTo(200);
            String r3 = fourth.text("recovery_code");

            Http.Answer regenerated = api.http().postJson("/api/v2/users/"
                    + URLEncoder.encode(userId(email), StandardCharsets.UTF_8)
                    + "/recovery-code-regeneration", Map.of(), managementToken());
            assertThat(regenerated.status()).as(regenerated.body()).isEqualTo(200);
            String r4 = regenerated.text("recovery_code");
            invalid(api.recoveryGrant(api.mfaToken(email), r3));
            Http.Answer fifth = api.recoveryGrant(api.mfaToken(email), r4);
            assertThat(fifth.status()).as(fifth.body()).isEqualTo(200);
        } finally {
            server.clock().unfreeze();
        }
    }

    private static void invalid(Http.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_grant");
    }

    /** A Management API token of the bootstrap client (client credentials). */
    private static String managementToken() {
        Http.Answer answer = api.http().postForm("/oauth/token", Map.of(
                "grant_type", "client_credentials", "client_id", "ops",
                "client_secret", OPS_SECRET, "audience", server.issuer() + "api/v2/"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.text("access_token");
    }

    private static String userId(String email) {
        return server.server().services().users().findAllByEmail(email).get(0).userId();
    }
}
