package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many simultaneous refreshes with one refresh token (RFC 9700 §4.14.2): at most one wins,
 * nobody gets a 5xx, and presenting the spent token again revokes the whole family, including
 * the token the winner received.
 */
class RefreshRaceTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().alice();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String loginRefreshToken() {
        Http.Answer login = server.http().postForm("/oauth/token", Map.of("grant_type",
                "password", "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret",
                "scope", "openid offline_access"));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        return login.text("refresh_token");
    }

    private static Http.Answer refresh(String token) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", token, "client_id", "c1", "client_secret", "s1-secret"));
    }

    @Test
    void refreshWhenFiftyRequestsRaceWithOneTokenThenAtMostOneWinsAndFamilyEndsRevoked() {
        String token = loginRefreshToken();
        int racers = Race.racers(50, 30);

        List<Http.Answer> answers = Race.run(racers, i -> refresh(token));

        List<Http.Answer> wins = answers.stream().filter(a -> a.status() == 200).toList();
        assertThat(wins).hasSizeLessThanOrEqualTo(1);
        for (Http.Answer answer : answers) {
            assertThat(answer.status()).as(answer.body()).isIn(200, 400);
            if (answer.status() == 400) {
                assertThat(answer.text("error")).isEqualTo("invalid_grant");
            }
        }
        Http.Answer replay = refresh(token);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.text("error")).isEqualTo("invalid_grant");
        if (wins.size() == 1) {
            Http.Answer winnersNext = refresh(wins.get(0).text("refresh_token"));
            assertThat(winnersNext.status()).as("the family is revoked after reuse")
                    .isEqualTo(400);
            assertThat(winnersNext.text("error_description")).contains("revoked");
        }
    }
}
