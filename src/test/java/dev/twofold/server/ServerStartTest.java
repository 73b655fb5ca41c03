package dev.twofold.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import org.junit.jupiter.api.Test;

class ServerStartTest {

    @Test
    void unknownPathWhenRequestedThenJsonNotFound() {
        try (TestServer server = TestServer.start()) {
            Http.Answer answer = server.http().get("/no/such/path");

            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.header("Content-Type")).startsWith("application/json");
            assertThat(answer.text("error")).isEqualTo("not_found");
            assertThat(answer.text("error_description")).contains("/no/such/path");
        }
    }
}
