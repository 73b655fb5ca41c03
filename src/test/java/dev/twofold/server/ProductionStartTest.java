package dev.twofold.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2 §2 and §4: production mode refuses to start, with a message naming the setting and
 * how to set it, when the issuer, the database that holds the signing keys or the at-rest
 * encryption key is missing; the optional TWOFOLD_CONFIG_FILE supplies settings the
 * environment leaves out, and the environment wins over it.
 */
class ProductionStartTest {

    @TempDir
    Path folder;

    private Map<String, String> complete() {
        Map<String, String> values = new HashMap<>();
        values.put("TWOFOLD_PORT", "0");
        values.put("TWOFOLD_MANAGEMENT_PORT", "0");
        values.put("TWOFOLD_DATA_DIR", folder.toString());
        values.put("TWOFOLD_ISSUER", "https://id.example.test/");
        values.put("TWOFOLD_DB_URL", "jdbc:h2:mem:" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        values.put("TWOFOLD_ENCRYPTION_KEY",
                Base64.getEncoder().encodeToString(new byte[32]));
        return values;
    }

    private static void assertRefused(Map<String, String> values, String... named) {
        Settings settings = Settings.of(Settings.Mode.PRODUCTION, values);

        assertThatThrownBy(() -> TwofoldServer.start(settings, Clock.systemUTC()).close())
                .isInstanceOf(Settings.ConfigurationException.class)
                .hasMessageContainingAll(named);
    }

    @Test
    void productionWhenIssuerMissingThenRefusesNamingTwofoldIssuerAndLeavesNoPortOpen()
            throws IOException {
        Map<String, String> values = complete();
        values.remove("TWOFOLD_ISSUER");
        int port = freePort();
        values.put("TWOFOLD_PORT", Integer.toString(port));

        assertRefused(values, "TWOFOLD_ISSUER is not set", "https URL");
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void productionWhenDatabaseHoldingSigningKeysMissingThenRefusesNamingDbUrl() {
        Map<String, String> values = complete();
        values.remove("TWOFOLD_DB_URL");

        assertRefused(values, "TWOFOLD_DB_URL is not set", "jdbc:postgresql://");
    }

    @Test
    void productionWhenEncryptionKeyMissingThenRefusesNamingTheKeyAndHowToMakeOne() {
        Map<String, String> values = complete();
        values.remove("TWOFOLD_ENCRYPTION_KEY");

        assertRefused(values, "TWOFOLD_ENCRYPTION_KEY is not set", "openssl rand -base64 32");
    }

    @Test
    void productionWhenEncryptionKeyTooShortThenRefusesSayingThe32Bytes() {
        Map<String, String> values = complete();
        values.put("TWOFOLD_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(new byte[16]));

        assertRefused(values, "TWOFOLD_ENCRYPTION_KEY", "32");
    }

    @Test
    void configFileWhenItHoldsTheIssuerThenProductionReadsItAndEnvironmentWins()
            throws IOException {
        Path file = folder.resolve("twofold.properties");
        Files.writeString(file, "TWOFOLD_ISSUER=https://from-file.example.test/\n"
                + "TWOFOLD_PORT=9999\nTWOFOLD_LOG_LEVEL=debug\n");
        Map<String, String> environment = new HashMap<>(Map.of(
                "TWOFOLD_CONFIG_FILE", file.toString(), "TWOFOLD_PORT", "8181",
                "PATH", "/usr/bin"));

        Settings settings = Settings.from(Settings.Mode.PRODUCTION, environment);

        assertThat(settings.get("TWOFOLD_ISSUER")).contains("https://from-file.example.test/");
        assertThat(settings.get("TWOFOLD_PORT")).contains("8181");
        assertThat(settings.get("TWOFOLD_LOG_LEVEL")).contains("debug");
        // Variables outside TWOFOLD_* are neither settings nor reported as unknown ones.
        assertThat(settings.unknownNames()).isEmpty();
    }

    @Test
    void configFileWhenMissingThenRefusesNamingThePath() {
        Path missing = folder.resolve("absent.properties");

        assertThatThrownBy(() -> Settings.from(Settings.Mode.PRODUCTION,
                Map.of("TWOFOLD_CONFIG_FILE", missing.toString())))
                .isInstanceOf(Settings.ConfigurationException.class)
                .hasMessageContaining("TWOFOLD_CONFIG_FILE").hasMessageContaining(missing
                        .toString());
    }

    @Test
    void productionWhenIssuerOnlyInConfigFileThenStartsWithThatIssuer() throws IOException {
        Path file = folder.resolve("issuer.properties");
        Files.writeString(file, "TWOFOLD_ISSUER=https://from-file.example.test/\n");
        Map<String, String> values = complete();
        values.remove("TWOFOLD_ISSUER");
        values.put("TWOFOLD_CONFIG_FILE", file.toString());

        TwofoldServer server = TwofoldServer.start(
                Settings.from(Settings.Mode.PRODUCTION, values), Clock.systemUTC());
        try {
            assertThat(server.services().issuer())
                    .isEqualTo("https://from-file.example.test/");
        } finally {
            server.close();
        }
    }
}
