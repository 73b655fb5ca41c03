package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HealthEndpointTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void liveWhenProcessAnswersThenUp() {
        Http.Answer answer = server.http().get("/health/live");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.text("status")).isEqualTo("UP");
    }

    @Test
    void readyWhenDatabaseMigratedAndKeysLoadedThenUpWithEachCheck() {
        Http.Answer answer = server.http().get("/health/ready");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text("status")).isEqualTo("UP");
        assertThat(answer.json().at("/checks/database/status").asText()).isEqualTo("UP");
        assertThat(answer.json().at("/checks/migrations/status").asText()).isEqualTo("UP");
        assertThat(answer.json().at("/checks/migrations/pending").size()).isZero();
        assertThat(answer.json().at("/checks/signing_keys/status").asText()).isEqualTo("UP");
        // ensureKeys creates one RS256 and one ES256 key.
        assertThat(answer.json().at("/checks/signing_keys/keys").asInt()).isEqualTo(2);
    }

    @Test
    void readyWhenDatabaseUnreachableThen503Down() {
        try (TestServer server = TestServer.start()) {
            server.server().services().database().close();

            Http.Answer answer = server.http().get("/health/ready");
            Http.Answer live = server.http().get("/health/live");

            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.text("status")).isEqualTo("DOWN");
            assertThat(answer.json().at("/checks/database/status").asText()).isEqualTo("DOWN");
            assertThat(answer.body()).doesNotContain("Exception");
            assertThat(live.status()).isEqualTo(200);
        }
    }

    @Test
    void managementPortWhenAskedForHealthThenAnswersToo() {
        int port = server.server().services().metrics().managementPort().orElseThrow();
        Http management = new Http("http://127.0.0.1:" + port);

        Http.Answer ready = management.get("/health/ready");
        Http.Answer unknown = management.get("/nothing");

        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.text("status")).isEqualTo("UP");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("error")).isEqualTo("not_found");
    }
}
