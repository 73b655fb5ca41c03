package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import dev.twofold.store.Database;
import dev.twofold.testing.TestNodes;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signing keys rotated on two nodes at the same moment (two operators running
 * {@code twofold keys rotate}, say) leave exactly one active key per algorithm, and every
 * rotation's key is published (docs/several-nodes.md).
 */
class KeyRotationRaceTest {

    private static TestNodes nodes;

    @BeforeAll
    static void start() {
        nodes = TestServer.startNodes(2);
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    @Test
    void rotateWhenNodesRotateAtOnceThenExactlyOneActiveKeyAndEveryNewKeyPublished() {
        int racers = Race.racers(12, 6);

        List<String> rotated = Race.run(racers, racer -> nodes.node(racer).server().services()
                .signingKeys().rotate(racer % 3 == 0 ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256));

        Database database = nodes.node(0).server().services().database();
        for (String algorithm : List.of("RS256", "ES256")) {
            int active = database.withHandle(handle -> handle.createQuery("SELECT COUNT(*)"
                    + " FROM signing_keys WHERE alg = :alg AND retired_at IS NULL")
                    .bind("alg", algorithm).mapTo(Integer.class).one());
            assertThat(active).as("active " + algorithm + " keys").isEqualTo(1);
        }
        // Past the key cache, so node 1 has read what node 0 rotated too.
        nodes.clock().advance(Duration.ofSeconds(16));
        try {
            String jwks = nodes.http(1).get("/.well-known/jwks.json").body();
            assertThat(new HashSet<>(rotated)).hasSize(racers);
            assertThat(rotated).allSatisfy(keyId -> assertThat(jwks).contains(keyId));
        } finally {
            nodes.clock().advance(Duration.ofSeconds(-16));
        }
    }
}
