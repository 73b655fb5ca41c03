package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestNodes;
import dev.twofold.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read cache of clients, APIs and client grants (docs/several-nodes.md): a change is seen
 * at once by the node that made it and within TWOFOLD_CONFIG_CACHE_TTL by the others, and
 * a new client is never refused because an earlier miss was remembered.
 */
class ConfigCacheAcrossNodesTest {

    private static final String API = "https://api.cache.test/";
    private static TestNodes nodes;
    private static String token;

    @BeforeAll
    static void start() {
        nodes = TestServer.startNodes(2, Map.of("TWOFOLD_CONFIG_CACHE_TTL", "PT1S"));
        token = ManagementTokens.all(nodes.node(0));
        nodes.http(0).postJson("/api/v2/resource-servers", Map.of("identifier", API,
                "name", "Cache API", "scopes", List.of(Map.of("value", "read:x"))), token);
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    @Test
    void clientDeletedOnOneNodeWhenUsedThereThenRefusedAtOnceAndElsewhereWithinTtl()
            throws InterruptedException {
        Map<String, String> grant = newClientWithGrant();
        assertThat(nodes.http(1).postForm("/oauth/token", grant).status())
                .as("a client created on node 0 works at once on node 1").isEqualTo(200);
        assertThat(nodes.http(0).postForm("/oauth/token", grant).status()).isEqualTo(200);

        assertThat(nodes.http(0).delete("/api/v2/clients/" + grant.get("client_id"), token)
                .status()).isEqualTo(204);

        assertThat(nodes.http(0).postForm("/oauth/token", grant).status()).isEqualTo(401);
        long deleted = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - deleted < 3_000_000_000L) {
            status = nodes.http(1).postForm("/oauth/token", grant).status();
            Thread.sleep(50);
        }
        long seenAfterMillis = (System.nanoTime() - deleted) / 1_000_000;
        assertThat(status).isEqualTo(401);
        assertThat(seenAfterMillis).as("node 1 forgets the deleted client within the TTL")
                .isLessThan(1500);
    }

    @Test
    void grantCreatedWhenClientAskedBeforeThenIssuedAtOnceOnEveryNode() {
        Http.Answer created = nodes.http(0).postJson("/api/v2/clients", Map.of("name",
                "Late grant", "app_type", "non_interactive"), token);
        Map<String, String> request = Map.of("grant_type", "client_credentials",
                "client_id", created.text("client_id"),
                "client_secret", created.text("client_secret"), "audience", API);
        assertThat(nodes.http(1).postForm("/oauth/token", request).status()).isEqualTo(403);

        nodes.http(0).postJson("/api/v2/client-grants", Map.of("client_id",
                created.text("client_id"), "audience", API, "scope", List.of("read:x")), token);

        assertThat(nodes.http(1).postForm("/oauth/token", request).status()).isEqualTo(200);
        assertThat(nodes.http(0).postForm("/oauth/token", request).status()).isEqualTo(200);
    }

    private static Map<String, String> newClientWithGrant() {
        Http.Answer created = nodes.http(0).postJson("/api/v2/clients", Map.of("name",
                "Cached", "app_type", "non_interactive"), token);
        String clientId = created.text("client_id");
        nodes.http(0).postJson("/api/v2/client-grants", Map.of("client_id", clientId,
                "audience", API, "scope", List.of("read:x")), token);
        return Map.of("grant_type", "client_credentials", "client_id", clientId,
                "client_secret", created.text("client_secret"), "audience", API);
    }
}
