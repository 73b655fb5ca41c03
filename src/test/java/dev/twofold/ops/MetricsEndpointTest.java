package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private static final String REQUESTS = "http_server_requests_seconds_count";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Prometheus scrape(Http management) {
        Http.Answer answer = management.get("/metrics");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("text/plain");
        return new Prometheus(answer.body());
    }

    private static Http management(TestServer server) {
        int port = server.server().services().metrics().managementPort().orElseThrow();
        return new Http("http://127.0.0.1:" + port);
    }

    @Test
    void metricsWhenRequestsMadeThenCountedByRouteTemplateMethodAndStatusClass() {
        Http management = management(server);
        Prometheus before = scrape(management);

        for (int i = 0; i < 3; i++) {
            server.http().get("/health/live");
        }
        server.http().get("/no/such/path");
        server.http().get("/other/missing/path");
        server.http().get("/api/v2/logs/123");
        server.http().get("/api/v2/logs/456");
        Prometheus after = scrape(management);

        assertThat(after.value(REQUESTS, "uri", "/health/live", "method", "GET",
                "status", "2xx") - before.value(REQUESTS, "uri", "/health/live"))
                .isEqualTo(3.0);
        assertThat(after.value(REQUESTS, "uri", "NOT_FOUND", "status", "4xx")
                - before.value(REQUESTS, "uri", "NOT_FOUND")).isEqualTo(2.0);
        // Two raw paths, one route template: the id never becomes a label value.
        assertThat(after.value(REQUESTS, "uri", "/api/v2/logs/{id}", "status", "4xx")
                - before.value(REQUESTS, "uri", "/api/v2/logs/{id}")).isEqualTo(2.0);
        assertThat(after.value("http_server_requests_seconds_bucket", "uri", "/health/live",
                "le", "+Inf") - before.value("http_server_requests_seconds_bucket", "uri",
                "/health/live", "le", "+Inf")).isEqualTo(3.0);
    }

    @Test
    void metricsWhenScrapedThenJvmAndConnectionPoolMetersPresent() {
        server.http().get("/health/ready");

        Prometheus metrics = scrape(management(server));

        assertThat(metrics.hasSeries("jvm_memory_used_bytes")).isTrue();
        assertThat(metrics.hasSeries("jvm_threads_live_threads")).isTrue();
        assertThat(metrics.value("hikaricp_connections_max", "pool", "twofold"))
                .isGreaterThan(0);
        assertThat(metrics.value("hikaricp_connections_acquire_seconds_count",
                "pool", "twofold")).isGreaterThan(0);
    }

    @Test
    void domainCountersWhenCalledThenExposedWithTheirLabels() {
        Metrics metrics = server.server().services().metrics();

        metrics.login("success");
        metrics.login("success");
        metrics.login("failure");
        metrics.mfaRequired();
        metrics.verification("otp", "failure");
        metrics.lockout("otp");
        metrics.messageSent("sms", "success");
        metrics.login("Robert'); DROP TABLE users;--");
        Prometheus scraped = scrape(management(server));

        assertThat(scraped.value("twofold_logins_total", "outcome", "success")).isEqualTo(2);
        assertThat(scraped.value("twofold_logins_total", "outcome", "failure")).isEqualTo(1);
        assertThat(scraped.value("twofold_logins_total", "outcome", "other")).isEqualTo(1);
        assertThat(scraped.value("twofold_mfa_required_total")).isEqualTo(1);
        assertThat(scraped.value("twofold_mfa_verifications_total", "factor", "otp",
                "outcome", "failure")).isEqualTo(1);
        assertThat(scraped.value("twofold_mfa_lockouts_total", "factor", "otp"))
                .isEqualTo(1);
        assertThat(scraped.value("twofold_messages_sent_total", "channel", "sms",
                "outcome", "success")).isEqualTo(1);
    }

    @Test
    void metricsWhenManagementPortIsSameThenServedOnMainPort() {
        try (TestServer server = TestServer.start(Map.of("TWOFOLD_MANAGEMENT_PORT", "same"))) {
            server.http().get("/health/live");

            Http.Answer answer = server.http().get("/metrics");

            assertThat(server.server().services().metrics().managementPort()).isEmpty();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(new Prometheus(answer.body()).value(REQUESTS, "uri", "/health/live"))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void metricsWhenOnSeparatePortThenNotOnMainPort() {
        Http.Answer answer = server.http().get("/metrics");

        assertThat(answer.status()).isEqualTo(404);
    }
}
