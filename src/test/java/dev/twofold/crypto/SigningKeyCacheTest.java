package dev.twofold.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import dev.twofold.server.Settings;
import dev.twofold.testing.TestNodes;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TWOFOLD_SIGNING_KEY_CACHE_TTL (docs/several-nodes.md): a key rotated on one node is
 * published by another once that node's copy of the key set is older than the setting, not
 * before; a negative time stops start-up naming the setting.
 */
class SigningKeyCacheTest {

    @Test
    void keyCacheWhenSetToTwoSecondsThenAnotherNodePublishesARotatedKeyAfterTwoSeconds() {
        try (TestNodes nodes = TestServer.startNodes(2,
                Map.of("TWOFOLD_SIGNING_KEY_CACHE_TTL", "PT2S"))) {
            // Well past the copy node 1 read at start-up, so that it reads the set again now.
            Instant now = Instant.now().plusSeconds(10);
            nodes.clock().freezeAt(now);
            nodes.http(1).get("/.well-known/jwks.json");

            String rotated = nodes.node(0).server().services().signingKeys()
                    .rotate(JWSAlgorithm.ES256);
            nodes.clock().freezeAt(now.plusMillis(1_900));
            String early = nodes.http(1).get("/.well-known/jwks.json").body();
            nodes.clock().freezeAt(now.plusMillis(2_100));
            String late = nodes.http(1).get("/.well-known/jwks.json").body();

            assertThat(early).doesNotContain(rotated);
            assertThat(late).contains(rotated);
        }
    }

    @Test
    void keyCacheWhenNegativeThenStartRefusedNamingTheSetting() {
        assertThatThrownBy(() -> TestServer.start(Map.of("TWOFOLD_SIGNING_KEY_CACHE_TTL",
                "-PT1S")).close())
                .isInstanceOf(Settings.ConfigurationException.class)
                .hasMessageContaining("TWOFOLD_SIGNING_KEY_CACHE_TTL");
    }
}
