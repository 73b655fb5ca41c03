package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs real flows with Twofold's loggers at DEBUG and the audit copy on standard output, then
 * searches everything written for each secret the flows used: passwords, client secrets and
 * every token the server issued.
 */
class LogSecretsTest {

    private static final String WRONG_PASSWORD = "Wrong-Battery-Staple-7";
    private static final String WRONG_SECRET = "not-the-s1-secret-4711";

    @Test
    void flowsWhenLoggedAtDebugThenNoSecretOrTokenInOutput() {
        List<String> secrets = new ArrayList<>(List.of(Fixtures.ALICE_PASSWORD, "s1-secret",
                WRONG_PASSWORD, WRONG_SECRET));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        String logs;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try (LogCapture capture = new LogCapture();
             TestServer server = TestServer.start(Map.of("TWOFOLD_AUDIT_STDOUT", "true"))) {
            runFlows(server, secrets);
            logs = capture.text();
        } finally {
            System.setOut(original);
        }
        String everything = logs + stdout.toString(StandardCharsets.UTF_8);

        assertThat(logs).contains("DEBUG");
        assertThat(secrets).hasSizeGreaterThan(12);
        for (String secret : secrets) {
            assertThat(everything).as("log output contains a secret of the flow")
                    .doesNotContain(secret);
        }
    }

    /**
     * The MFA flows: TOTP enrollment and verification, an SMS authenticator with its code,
     * a recovery code. The development console sender prints SMS texts on standard output by
     * design, so the codes are searched for in the log lines and the audit JSON lines only.
     */
    @Test
    void mfaFlowsWhenLoggedAtDebugThenNoCodeOrSecretInLogsOrAudit() {
        List<String> secrets = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        String logs;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try (LogCapture capture = new LogCapture();
             TestServer server = TestServer.start(Map.of("TWOFOLD_AUDIT_STDOUT", "true"))) {
            runMfaFlows(server, secrets, codes);
            logs = capture.text();
        } finally {
            System.setOut(original);
        }
        String audit = String.join("\n", stdout.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("{\"audit\":true")).toList());
        String everything = logs + audit;

        assertThat(audit).contains("gd_send_sms", "seotpft");
        for (String secret : secrets) {
            assertThat(everything).as("a secret of the MFA flow").doesNotContain(secret);
        }
        for (String code : codes) {
            assertThat(everything).as("a one-time code of the MFA flow")
                    .doesNotContainPattern("(?<![0-9a-f])" + code + "(?![0-9a-f])");
        }
    }

    private static void runMfaFlows(TestServer server, List<String> secrets,
                                    List<String> codes) {
        server.fixtures().confidentialClient();
        server.fixtures().mfaPolicy("all-applications");
        MfaApi api = new MfaApi(server);
        String email = api.newUser("secrets");

        String mfaToken = api.mfaToken(email);
        Http.Answer otp = api.associateOtp(mfaToken);
        String totpSecret = otp.text("secret");
        String recoveryCode = otp.json().get("recovery_codes").get(0).asText();
        String code = MfaApi.totp(totpSecret, server.clock().instant());
        Http.Answer confirmed = api.otpGrant(mfaToken, code);
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        secrets.addAll(List.of(mfaToken, totpSecret, recoveryCode));
        codes.add(code);
        collectTokens(confirmed, secrets);

        String phone = "+15555550166";
        // A second user: an mfa_token may only enroll a user's first authenticator.
        String smsToken = api.mfaToken(api.newUser("secrets-sms"));
        Http.Answer sms = api.associateSms(smsToken, phone);
        assertThat(sms.status()).as(sms.body()).isEqualTo(200);
        String bindingCode = api.lastCode(phone);
        Http.Answer smsConfirmed = api.oobGrant(smsToken, sms.text("oob_code"), bindingCode);
        secrets.addAll(List.of(smsToken, sms.text("oob_code")));
        codes.add(bindingCode);
        collectTokens(smsConfirmed, secrets);

        Http.Answer recovered = api.recoveryGrant(api.mfaToken(email), recoveryCode);
        assertThat(recovered.status()).as(recovered.body()).isEqualTo(200);
        secrets.add(recovered.text("recovery_code"));
        collectTokens(recovered, secrets);
        api.otpGrant(api.mfaToken(email), code.equals("000000") ? "111111" : "000000");
    }

    private static void runFlows(TestServer server, List<String> secrets) {
        server.fixtures().confidentialClient();
        server.fixtures().alice();
        Http http = server.http();

        Http.Answer login = password(http, Fixtures.ALICE_PASSWORD, "s1-secret");
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        collectTokens(login, secrets);
        password(http, WRONG_PASSWORD, "s1-secret");
        password(http, Fixtures.ALICE_PASSWORD, WRONG_SECRET);

        Http.Answer refreshed = refresh(http, login.text("refresh_token"));
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        collectTokens(refreshed, secrets);
        // Reusing the rotated refresh token is a security event: logged, but not the token.
        refresh(http, login.text("refresh_token"));

        http.get("/api/v2/logs", login.text("access_token"));
        http.get("/api/v2/logs", login.text("id_token"));
        http.get("/api/v2/logs", login.text("refresh_token"));
    }

    private static Http.Answer password(Http http, String password, String clientSecret) {
        return http.postForm("/oauth/token", Map.of("grant_type", "password",
                "username", Fixtures.ALICE, "password", password, "client_id", "c1",
                "client_secret", clientSecret, "scope", "openid offline_access"));
    }

    private static Http.Answer refresh(Http http, String refreshToken) {
        return http.postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", "c1", "client_secret",
                "s1-secret"));
    }

    private static void collectTokens(Http.Answer answer, List<String> secrets) {
        for (String field : List.of("access_token", "id_token", "refresh_token")) {
            String token = answer.text(field);
            if (token != null) {
                secrets.add(token);
                // A JWT's signature alone would also be a leak worth catching.
                secrets.add(token.substring(token.lastIndexOf('.') + 1));
            }
        }
    }
}
