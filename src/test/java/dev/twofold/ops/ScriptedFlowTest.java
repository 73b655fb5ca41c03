package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.store.User;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One scripted life of a user (enroll TOTP at the first login, log in again, one wrong code,
 * the right one, a wrong password): the audit log holds exactly the events of that flow and
 * the counters at /metrics moved by exactly the flow's amounts.
 */
class ScriptedFlowTest {

    private static final String CONNECTION = "Username-Password-Authentication";
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

    /** Every audit entry of this node (the class runs one flow on a fresh node). */
    private static List<AuditEntry> audit() {
        return server.server().services().auditLog()
                .list(new AuditQuery(Map.of(), Optional.empty(), true, 100, 0));
    }

    private static double moved(Prometheus before, Prometheus after, String name,
                                String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    @Test
    void flowWhenScriptedThenExactlyItsAuditEventsAndCounterDeltas() {
        Instant at = api.freezeMidStep();
        String email = api.newUser("scripted");
        String userId = server.server().services().users().findByEmail(CONNECTION, email)
                .map(User::userId).orElseThrow();
        Prometheus before = scrape();

        String secret = api.enrollOtp(email);
        server.clock().freezeAt(at.plus(Duration.ofSeconds(30)));
        String mfaToken = api.mfaToken(email);
        String correct = MfaApi.totp(secret, server.clock().instant());
        api.otpGrant(mfaToken, correct.equals("000000") ? "111111" : "000000");
        Http.Answer accepted = api.otpGrant(mfaToken, correct);
        Http.Answer wrongPassword = api.login(email, Map.of("password", "Not-Her-Password-1"));
        Prometheus after = scrape();
        server.clock().unfreeze();

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(wrongPassword.status()).isEqualTo(400);
        // The clock is frozen, so entries share a time and only the set of them is pinned.
        assertThat(audit()).extracting(AuditEntry::type).containsExactlyInAnyOrder(
                "mfar", "seotpft", "mfar", "feotpft", "seotpft", "f");
        assertThat(audit()).filteredOn(entry -> entry.type().equals("seotpft"))
                .extracting(AuditEntry::userId).containsExactly(userId, userId);
        // Known gap: mfar, feotpft and f carry no user_id (the grant failed before the user
        // was attached), the MFA API records no gd_start_enroll or gd_enrollment_complete,
        // and a wrong password is f with details.user_name, not fp.
        assertThat(moved(before, after, "twofold_logins_total", "outcome", "mfa_required"))
                .isEqualTo(2.0);
        assertThat(moved(before, after, "twofold_logins_total", "outcome", "failure"))
                .isEqualTo(1.0);
        assertThat(moved(before, after, "twofold_mfa_required_total")).isEqualTo(2.0);
        assertThat(moved(before, after, "twofold_mfa_verifications_total", "factor", "otp",
                "outcome", "success")).isEqualTo(2.0);
        assertThat(moved(before, after, "twofold_mfa_verifications_total", "factor", "otp",
                "outcome", "failure")).isEqualTo(1.0);
        assertThat(moved(before, after, "twofold_mfa_lockouts_total", "factor", "any"))
                .isZero();
    }
}
