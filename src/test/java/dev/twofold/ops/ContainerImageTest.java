package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twofold.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image of the {@code container} profile is built and started by the suite:
 * Jib writes the tar, its layers are unpacked into a root file system, and the image's
 * entrypoint runs there as the image's user, in production mode against the test PostgreSQL
 * (see {@link ContainerImage}). Runs in the PostgreSQL pass of the suite only (pom.xml).
 */
class ContainerImageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_LIMIT = Duration.ofSeconds(120);

    @TempDir
    static Path folder;

    private static ContainerImage image;

    @BeforeAll
    static void buildAndUnpack() throws IOException {
        Instant started = Instant.now();
        Path tar = ContainerImage.build(folder.resolve("build.log"));
        Instant built = Instant.now();
        image = ContainerImage.unpack(tar, folder);
        System.out.printf("Container image: built in %d s, unpacked in %d s (%d MB)%n",
                Duration.between(started, built).toSeconds(),
                Duration.between(built, Instant.now()).toSeconds(),
                Files.size(tar) / 1_000_000);
    }

    @Test
    void configWhenReadThenUnprivilegedUserTheDocumentedPortsAndStartCommand()
            throws IOException {
        String uid = image.user().split(":")[0];
        String passwd = Files.readString(image.root().resolve("etc/passwd"));

        assertThat(image.user()).as("the image's User").matches("\\d+:\\d+");
        assertThat(Integer.parseInt(uid)).as("user id").isNotZero();
        assertThat(passwd).as("/etc/passwd of the image")
                .containsPattern("(?m)^twofold:x:" + uid + ":");
        assertThat(image.exposedPorts()).containsExactlyInAnyOrder("8080/tcp", "9090/tcp");
        assertThat(image.entrypoint()).first().isEqualTo("/opt/java/bin/java");
        assertThat(image.root().resolve("opt/java/bin/java")).isExecutable();
        assertThat(image.command()).containsExactly("start");
        assertThat(image.environment()).containsEntry("TWOFOLD_HOST", "0.0.0.0")
                .containsEntry("TWOFOLD_DATA_DIR", "/tmp/twofold");
    }

    @Test
    void entrypointWhenStartedAsImageUserThenReadyServesDiscoveryAndStops() throws Exception {
        int port = freePort();
        String schema = "img_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Path log = folder.resolve("node.log");
        image.addRuntimeDevices();
        Process node = image.start(productionSettings(port, schema), log);
        try {
            awaitReady(port, node, log);

            JsonNode ready = getJson(port, "/health/ready");
            if (Files.exists(image.root().resolve("usr/lib/x86_64-linux-gnu/libsodium.so.23"))) {
                // The image carries the build machine's libsodium; the node must hash with it.
                assertThat(Files.readString(log)).contains("Argon2id in libsodium");
            }
            JsonNode discovery = getJson(port, "/.well-known/openid-configuration");

            assertThat(ready.path("status").asText()).isEqualTo("UP");
            assertThat(ready.at("/checks/database/status").asText()).isEqualTo("UP");
            assertThat(discovery.path("issuer").asText()).isEqualTo(issuer(port));
            assertThat(discovery.path("token_endpoint").asText())
                    .isEqualTo(issuer(port) + "oauth/token");
            assertThat(nodeUserId(node)).as("user id of the running entrypoint")
                    .isEqualTo(image.user().split(":")[0]);
        } finally {
            stop(node);
            dropSchema(schema);
        }
        assertThat(accepts(port)).as("port " + port + " after stopping").isFalse();
    }

    private static Map<String, String> productionSettings(int port, String schema) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Map.of("TWOFOLD_HOST", "127.0.0.1",
                "TWOFOLD_PORT", Integer.toString(port),
                "TWOFOLD_MANAGEMENT_HOST", "127.0.0.1",
                "TWOFOLD_MANAGEMENT_PORT", "0",
                "TWOFOLD_ISSUER", issuer(port),
                "TWOFOLD_DB_URL", TestServer.POSTGRES_URL,
                "TWOFOLD_DB_SCHEMA", schema,
                "TWOFOLD_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(key));
    }

    private static String issuer(int port) {
        return "http://127.0.0.1:" + port + "/";
    }

    private static void awaitReady(int port, Process node, Path log) throws Exception {
        Instant limit = Instant.now().plus(START_LIMIT);
        while (Instant.now().isBefore(limit)) {
            if (!node.isAlive()) {
                throw new AssertionError("the image's entrypoint exited with "
                        + node.exitValue() + ":\n" + ContainerImage.tail(log));
            }
            if (accepts(port) && status(port, "/health/ready") == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not ready within " + START_LIMIT + ":\n"
                + ContainerImage.tail(log));
    }

    /**
     * Stops the node as a runtime does: SIGTERM to the entrypoint (unshare itself ignores it
     * while it waits), then waits for both to exit.
     */
    private static void stop(Process node) throws IOException, InterruptedException {
        ProcessHandle entrypoint = entrypointOf(node);
        entrypoint.destroy();
        boolean stopped = node.waitFor(30, TimeUnit.SECONDS);
        if (!stopped) {
            entrypoint.destroyForcibly();
            node.destroyForcibly();
        }
        assertThat(stopped).as("the node stopped within 30 s of SIGTERM").isTrue();
        assertThat(node.exitValue()).as("exit code after SIGTERM (128 + 15 or 0)")
                .isIn(0, 143);
    }

    private static ProcessHandle entrypointOf(Process node) {
        return node.toHandle().children().findFirst()
                .orElseThrow(() -> new AssertionError("the entrypoint is not running"));
    }

    /** The real user id of the node: the entrypoint is the only child of unshare. */
    private static String nodeUserId(Process node) throws IOException {
        String pid = Long.toString(entrypointOf(node).pid());
        String status = Files.readString(Path.of("/proc", pid, "status"));
        return status.lines().filter(line -> line.startsWith("Uid:")).findFirst()
                .orElseThrow().split("\\s+")[1];
    }

    private static JsonNode getJson(int port, String path) throws Exception {
        HttpResponse<String> response = get(port, path);
        assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static int status(int port, String path) throws Exception {
        return get(port, path).statusCode();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI uri = URI.create(issuer(port) + path.substring(1));
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void dropSchema(String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection(TestServer.POSTGRES_URL);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
