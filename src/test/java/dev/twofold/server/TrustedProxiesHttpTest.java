package dev.twofold.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.ops.AuditEntry;
import dev.twofold.ops.AuditQuery;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code TWOFOLD_TRUSTED_PROXIES} over HTTP: behind a trusted proxy (here the test itself, on
 * 127.0.0.1) the audit log and the per-IP sending limit see the forwarded client; from an
 * untrusted peer a forged {@code X-Forwarded-For} changes nothing.
 */
class TrustedProxiesHttpTest {

    private static final Map<String, String> TWO_SMS_PER_IP = Map.of(
            "TWOFOLD_PHONE_LIMIT_PER_IP", "2/PT1H");

    private static TestServer behindProxy;
    private static TestServer direct;

    @BeforeAll
    static void start() {
        behindProxy = MfaApi.startServer(Map.of("TWOFOLD_TRUSTED_PROXIES", "127.0.0.1/32, ::1",
                "TWOFOLD_PHONE_LIMIT_PER_IP", "2/PT1H"));
        // The test's own connections come from 127.0.0.1: trusted on one node, not the other.
        direct = MfaApi.startServer(TWO_SMS_PER_IP);
    }

    @AfterAll
    static void stop() {
        behindProxy.close();
        direct.close();
    }

    @Test
    void loginWhenPeerIsTrustedProxyThenAuditHasTheRightMostUntrustedAddress() {
        wrongPassword(behindProxy, "198.51.100.77, 203.0.113.50");

        assertThat(auditedFrom(behindProxy, "203.0.113.50")).isNotEmpty();
        assertThat(auditedFrom(behindProxy, "198.51.100.77")).isEmpty();
    }

    @Test
    void loginWhenPeerIsNotTrustedThenForgedHeaderIsIgnored() {
        int before = auditedFrom(direct, "127.0.0.1").size();

        wrongPassword(direct, "203.0.113.70");

        assertThat(auditedFrom(direct, "203.0.113.70")).isEmpty();
        assertThat(auditedFrom(direct, "127.0.0.1")).hasSizeGreaterThan(before);
    }

    @Test
    void smsWhenForwardedClientSpendsItsIpLimitThen429ForItOnlyAndAnotherClientMaySend() {
        MfaApi api = new MfaApi(behindProxy);

        List<Integer> first = List.of(
                associateSms(api, "+15555550401", "203.0.113.60").status(),
                associateSms(api, "+15555550402", "10.9.9.9, 203.0.113.60").status());
        Http.Answer third = associateSms(api, "+15555550403", "203.0.113.60");
        Http.Answer other = associateSms(api, "+15555550404", "203.0.113.61");

        assertThat(first).containsExactly(200, 200);
        assertThat(third.status()).as(third.body()).isEqualTo(429);
        assertThat(third.text("error_description")).contains("per client IP");
        assertThat(other.status()).as(other.body()).isEqualTo(200);
    }

    @Test
    void smsWhenUntrustedPeerForgesADifferentAddressEachTimeThenItsOwnIpLimitStillHolds() {
        MfaApi api = new MfaApi(direct);

        List<Integer> statuses = List.of(
                associateSms(api, "+15555550411", "203.0.113.81").status(),
                associateSms(api, "+15555550412", "203.0.113.82").status(),
                associateSms(api, "+15555550413", "203.0.113.83").status());

        assertThat(statuses).containsExactly(200, 200, 429);
    }

    private static Http.Answer associateSms(MfaApi api, String phone, String forwardedFor) {
        String mfaToken = api.mfaToken(api.newUser("proxy"));
        return api.http().raw("POST", "/mfa/associate", "application/json",
                Http.json(Map.of("client_id", "c1", "client_secret", "s1-secret",
                        "authenticator_types", List.of("oob"), "oob_channels", List.of("sms"),
                        "phone_number", phone)),
                "Authorization", "Bearer " + mfaToken, "X-Forwarded-For", forwardedFor);
    }

    private static void wrongPassword(TestServer server, String forwardedFor) {
        Http.Answer answer = server.http().raw("POST", "/oauth/token",
                "application/x-www-form-urlencoded", Http.form(Map.of("grant_type", "password",
                        "username", "nobody-" + System.nanoTime() + "@example.com",
                        "password", "Wrong-Horse-1", "client_id", "c1",
                        "client_secret", "s1-secret")),
                "X-Forwarded-For", forwardedFor);
        assertThat(answer.text("error")).as(answer.body()).isEqualTo("invalid_grant");
    }

    private static List<AuditEntry> auditedFrom(TestServer server, String ip) {
        return server.server().services().auditLog().list(new AuditQuery(Map.of("ip", ip),
                Optional.empty(), true, 100, 0));
    }
}
