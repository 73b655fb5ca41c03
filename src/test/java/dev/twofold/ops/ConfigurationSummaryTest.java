package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.TestServer;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up log line with the effective configuration shows settings and masks secrets. */
class ConfigurationSummaryTest {

    private static final String KEY = Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    private static final String CLIENT_SECRET = "summary-test-secret-value-1234567890";

    @Test
    void startWhenSecretsConfiguredThenSummaryNamesThemMaskedAndShowsTheRest() {
        String log;
        try (LogCapture capture = new LogCapture();
             TestServer server = TestServer.start(Map.of("TWOFOLD_ENCRYPTION_KEY", KEY,
                     "TWOFOLD_BOOTSTRAP_CLIENT_ID", "summary-mgmt",
                     "TWOFOLD_BOOTSTRAP_CLIENT_SECRET", CLIENT_SECRET,
                     "TWOFOLD_PASSWORD_MAX_FAILURES", "7"))) {
            log = capture.text();
        }

        String summary = log.lines().filter(line -> line.contains("ConfigurationSummary"))
                .findFirst().orElseThrow();
        assertThat(summary).contains("INFO", "TWOFOLD_ENCRYPTION_KEY=****",
                "TWOFOLD_BOOTSTRAP_CLIENT_SECRET=****", "TWOFOLD_DB_URL=****",
                "TWOFOLD_BOOTSTRAP_CLIENT_ID=summary-mgmt", "TWOFOLD_PASSWORD_MAX_FAILURES=7",
                "TWOFOLD_MANAGEMENT_PORT=0");
        assertThat(log).doesNotContain(KEY, CLIENT_SECRET, "jdbc:h2:mem:", "jdbc:postgresql:");
    }
}
