package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real MFA flow moves the MFA meters and leaves the audit entries expected: mfa_required,
 * enrollment, verifications by factor and outcome, and a lock-out after the tenth failure.
 */
class MfaOutcomesTest {

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

    private static Prometheus scrape() {
        int port = server.server().services().metrics().managementPort().orElseThrow();
        return new Prometheus(new Http("http://127.0.0.1:" + port).get("/metrics").body());
    }

    private static List<AuditEntry> entries(String type) {
        return server.server().services().auditLog().list(new AuditQuery(Map.of("type", type),
                Optional.empty(), true, 100, 0));
    }

    @Test
    void mfaFlowWhenCodesWrongTenTimesThenFailuresCountedAndLockoutRecorded() {
        Instant at = api.freezeMidStep();
        String email = api.newUser("meters");
        String secret = api.enrollOtp(email);
        Prometheus before = scrape();
        String correct = MfaApi.totp(secret, at);
        String wrong = correct.equals("000000") ? "111111" : "000000";

        for (int i = 0; i < 10; i++) {
            api.otpGrant(api.mfaToken(email), wrong);
        }
        Http.Answer locked = api.otpGrant(api.mfaToken(email), correct);
        Prometheus after = scrape();

        assertThat(locked.status()).isEqualTo(429);
        assertThat(after.value("twofold_mfa_required_total")
                - before.value("twofold_mfa_required_total")).isEqualTo(11.0);
        assertThat(after.value("twofold_logins_total", "outcome", "mfa_required")
                - before.value("twofold_logins_total", "outcome", "mfa_required"))
                .isEqualTo(11.0);
        assertThat(after.value("twofold_mfa_verifications_total", "factor", "otp",
                "outcome", "failure") - before.value("twofold_mfa_verifications_total",
                "factor", "otp", "outcome", "failure")).isEqualTo(11.0);
        assertThat(after.value("twofold_mfa_lockouts_total", "factor", "any")
                - before.value("twofold_mfa_lockouts_total", "factor", "any")).isEqualTo(1.0);
        assertThat(entries("gd_otp_rate_limit_exceed")).isNotEmpty();
        // The tenth failure is audited as the lock-out it caused, not as a plain failure.
        assertThat(entries("feotpft")).hasSize(10);
        server.clock().unfreeze();
    }

    @Test
    void enrollmentWhenConfirmedThenSuccessfulOtpExchangeAuditedWithUser() {
        int before = entries("seotpft").size();

        api.enrollOtp(api.newUser("enrolled"));

        List<AuditEntry> exchanges = entries("seotpft");
        assertThat(exchanges).hasSize(before + 1);
        assertThat(exchanges.get(exchanges.size() - 1).userId()).startsWith("auth0|");
        assertThat(entries("mfar")).isNotEmpty();
    }
}
