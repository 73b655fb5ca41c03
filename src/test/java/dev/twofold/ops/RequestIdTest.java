package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RequestIdTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final String SANE = "[A-Za-z0-9._-]{1,64}";

    @Test
    void requestWhenSaneIdSentThenSameIdEchoed() {
        Http.Answer answer = server.http().raw("GET", "/health/live", null, null,
                "X-Request-Id", "trace-1.A_b");

        assertThat(answer.header("X-Request-Id")).isEqualTo("trace-1.A_b");
    }

    @Test
    void requestWhenNoIdSentThenFreshIdEchoed() {
        String first = server.http().get("/health/live").header("X-Request-Id");
        String second = server.http().get("/no/such/path").header("X-Request-Id");

        assertThat(first).matches(SANE);
        assertThat(second).matches(SANE).isNotEqualTo(first);
    }

    @Test
    void requestWhenIdTooLongOrOddThenReplacedWithFreshId() {
        String tooLong = "a".repeat(65);
        String forLong = server.http().raw("GET", "/health/live", null, null,
                "X-Request-Id", tooLong).header("X-Request-Id");
        String forSpaces = server.http().raw("GET", "/health/live", null, null,
                "X-Request-Id", "x y").header("X-Request-Id");
        String forSixtyFour = server.http().raw("GET", "/health/live", null, null,
                "X-Request-Id", "b".repeat(64)).header("X-Request-Id");

        assertThat(forLong).matches(SANE).isNotEqualTo(tooLong);
        assertThat(forSpaces).matches(SANE).isNotEqualTo("x y");
        assertThat(forSixtyFour).isEqualTo("b".repeat(64));
    }

    @Test
    void logLineWhenWrittenDuringRequestThenCarriesRequestId() {
        try (TestServer server = TestServer.start(); LogCapture logs = new LogCapture()) {
            server.server().services().database().close();

            server.http().raw("GET", "/health/ready", null, null, "X-Request-Id", "req-42");

            assertThat(logs.text()).containsPattern("\\[req-42] Health - Readiness check");
        }
    }
}
