package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Settings;
import dev.twofold.server.TwofoldServer;
import dev.twofold.store.Database;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Nodes of a group started at the same moment on a fresh PostgreSQL schema, in production
 * mode with the same bootstrap client settings (docs/several-nodes.md): every node starts,
 * the group has one active signing key per algorithm, which every node publishes and signs
 * with, and one management client with one client grant, usable on every node.
 */
class StartingTogetherTest {

    private static final int NODES = 4;
    private static final String ISSUER = "https://twofold-group.test/";

    @RepeatedTest(2)
    void startWhenNodesStartTogetherOnAFreshSchemaThenAllStartWithOneKeySetAndOneBootstrap()
            throws Exception {
        startTogetherThenCheck(false);
    }

    /** As after {@code twofold migrate} ahead of a deployment: no migration holds them up. */
    @Test
    void startWhenNodesStartTogetherOnAMigratedSchemaThenAllStartWithOneKeySetAndOneBootstrap()
            throws Exception {
        startTogetherThenCheck(true);
    }

    private static void startTogetherThenCheck(boolean migratedAhead) throws Exception {
        assumeTrue(TestServer.usesPostgres(), "a group of nodes shares a PostgreSQL database");
        String schema = "together_" + UUID.randomUUID().toString().replace("-", "")
                .substring(0, 12);
        String secret = Randoms.urlSafe(24);
        Map<String, String> values = settings(schema, secret);
        List<TwofoldServer> started = new ArrayList<>();
        try {
            if (migratedAhead) {
                Database.open(Settings.of(Settings.Mode.PRODUCTION, values)).close();
            }
            started.addAll(startTogether(values));
            String token = managementToken(started.get(0), secret);

            Set<String> signingKeys = new HashSet<>();
            for (TwofoldServer node : started) {
                Http http = http(node);
                JWKSet published = JWKSet.parse(http.get("/.well-known/jwks.json").body());
                assertThat(published.getKeys()).extracting(key -> key.getAlgorithm().getName())
                        .as("one active key per algorithm").containsExactlyInAnyOrder("RS256",
                                "ES256");
                published.getKeys().stream().map(JWK::getKeyID).forEach(signingKeys::add);
                Http.Answer grants = http.get("/api/v2/client-grants?client_id=ops", token);
                assertThat(grants.json().size()).as(grants.body()).isEqualTo(1);
                signingKeys.add(SignedJWT.parse(managementToken(node, secret)).getHeader()
                        .getKeyID());
            }
            assertThat(signingKeys).as("every node publishes and signs with the same keys")
                    .hasSize(2);
        } finally {
            started.forEach(TwofoldServer::close);
            dropSchema(schema);
        }
    }

    private static Map<String, String> settings(String schema, String secret) {
        Map<String, String> values = new HashMap<>();
        values.put("TWOFOLD_PORT", "0");
        values.put("TWOFOLD_MANAGEMENT_PORT", "0");
        values.put("TWOFOLD_DB_URL", TestServer.POSTGRES_URL);
        values.put("TWOFOLD_DB_SCHEMA", schema);
        values.put("TWOFOLD_ISSUER", ISSUER);
        values.put("TWOFOLD_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(
                Randoms.bytes(32)));
        values.put("TWOFOLD_BOOTSTRAP_CLIENT_ID", "ops");
        values.put("TWOFOLD_BOOTSTRAP_CLIENT_SECRET", secret);
        values.put("TWOFOLD_ARGON2_MEMORY_KIB", "1024");
        values.put("TWOFOLD_ARGON2_ITERATIONS", "1");
        return values;
    }

    /** Starts every node at the same moment; fails with the first start that failed. */
    private static List<TwofoldServer> startTogether(Map<String, String> values)
            throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<TwofoldServer>> starts = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            starts.add(CompletableFuture.supplyAsync(() -> {
                awaitQuietly(go);
                return TwofoldServer.start(Settings.of(Settings.Mode.PRODUCTION, values),
                        Clock.systemUTC());
            }, runnable -> Thread.ofPlatform().start(runnable)));
        }
        go.countDown();
        List<TwofoldServer> started = new ArrayList<>();
        Throwable failure = null;
        for (CompletableFuture<TwofoldServer> start : starts) {
            try {
                started.add(start.join());
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            started.forEach(TwofoldServer::close);
            throw new AssertionError("A node failed to start beside the others", failure);
        }
        return started;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Http http(TwofoldServer node) {
        return new Http("http://127.0.0.1:" + node.port() + "/");
    }

    private static String managementToken(TwofoldServer node, String secret) {
        Http.Answer token = http(node).postForm("/oauth/token", Map.of("grant_type",
                "client_credentials", "client_id", "ops", "client_secret", secret,
                "audience", ISSUER + "api/v2/"));
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        return token.text("access_token");
    }

    private static void dropSchema(String schema) {
        try (Connection connection = DriverManager.getConnection(TestServer.POSTGRES_URL);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (Exception leftBehind) {
            // A schema left behind only costs disk space in the test database.
        }
    }
}
