package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
 * One scripted life of a user (enroll TOTP at the first login, log in again, start a challenge,
 * one wrong code, the right one, a wrong password, then a login name nobody has): the audit
 * log holds exactly the events of that flow, each with its user, and the counters at /metrics
 * moved by exactly the flow's amounts.
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
        Http.Answer challenged = api.challenge(mfaToken, "otp", null);
        String correct = MfaApi.totp(secret, server.clock().instant());
        String wrongCode = correct.equals("000000") ? "111111" : "000000";
        api.otpGrant(mfaToken, wrongCode);
        Http.Answer accepted = api.otpGrant(mfaToken, correct);
        Http.Answer wrongPassword = api.login(email, Map.of("password", "Not-Her-Password-1"));
        String stranger = "nobody-" + System.nanoTime() + "@example.com";
        Http.Answer unknownUser = api.login(stranger, Map.of());
        Prometheus after = scrape();
        server.clock().unfreeze();

        assertThat(challenged.status()).as(challenged.body()).isEqualTo(200);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(wrongPassword.status()).isEqualTo(400);
        assertThat(unknownUser.status()).isEqualTo(wrongPassword.status());
        assertThat(unknownUser.body()).isEqualTo(wrongPassword.body());
        // The clock is frozen, so entries share a time and only the set of them is pinned.
        assertThat(audit()).extracting(AuditEntry::type, AuditEntry::userId)
                .containsExactlyInAnyOrder(
                        tuple("mfar", userId), tuple("gd_start_enroll", userId),
                        tuple("gd_enrollment_complete", userId),
                        tuple("gd_auth_succeed", userId), tuple("seotpft", userId),
                        tuple("mfar", userId), tuple("gd_start_auth", userId),
                        tuple("gd_auth_failed", userId), tuple("feotpft", userId),
                        tuple("gd_auth_succeed", userId), tuple("seotpft", userId),
                        tuple("fp", userId), tuple("fu", null));
        assertThat(audit()).filteredOn(entry -> entry.type().startsWith("gd_"))
                .allSatisfy(entry -> {
                    assertThat(entry.clientId()).isEqualTo("c1");
                    assertThat(entry.ip()).isNotBlank();
                    assertThat(entry.userAgent()).isNotBlank();
                    assertThat(entry.details()).containsEntry("authenticator_type", "otp")
                            .containsKey("authenticator_id");
                });
        assertThat(audit()).filteredOn(entry -> entry.type().equals("fu"))
                .singleElement().satisfies(entry ->
                        assertThat(entry.details()).containsEntry("user_name", stranger));
        // Only what modules write is searched: log ids and dates are digits that could match.
        assertThat(audit()).extracting(entry -> entry.description() + entry.details())
                .noneMatch(text -> text.contains(secret) || text.contains(correct)
                        || text.contains(wrongCode) || text.contains(MfaApi.PASSWORD));
        assertThat(moved(before, after, "twofold_logins_total", "outcome", "mfa_required"))
                .isEqualTo(2.0);
        assertThat(moved(before, after, "twofold_logins_total", "outcome", "failure"))
                .isEqualTo(2.0);
        assertThat(moved(before, after, "twofold_mfa_required_total")).isEqualTo(2.0);
        assertThat(moved(before, after, "twofold_mfa_verifications_total", "factor", "otp",
                "outcome", "success")).isEqualTo(2.0);
        assertThat(moved(before, after, "twofold_mfa_verifications_total", "factor", "otp",
                "outcome", "failure")).isEqualTo(1.0);
        assertThat(moved(before, after, "twofold_mfa_lockouts_total", "factor", "any"))
                .isZero();
    }
}
