package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.server.Setting;
import dev.twofold.testing.TestServer;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The start-up log line with the effective configuration names every setting of the catalogue
 * with its value or default, and masks secrets.
 */
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
                     "TWOFOLD_PASSWORD_MAX_FAILURES", "7",
                     "TWOFOLD_PASWORD_LOCKOUT", "PT1M"))) {
            log = capture.text();
        }

        String summary = log.lines().filter(line -> line.contains("ConfigurationSummary"))
                .findFirst().orElseThrow();
        assertThat(summary).contains("INFO", "TWOFOLD_ENCRYPTION_KEY=****",
                "TWOFOLD_BOOTSTRAP_CLIENT_SECRET=****", "TWOFOLD_DB_URL=****",
                "TWOFOLD_BOOTSTRAP_CLIENT_ID=summary-mgmt", "TWOFOLD_PASSWORD_MAX_FAILURES=7",
                "TWOFOLD_MANAGEMENT_PORT=0", "TWOFOLD_MFA_LOCKOUT=PT15M (default)",
                "TWOFOLD_PASSWORD_LOCKOUT=PT15M (default)",
                "TWOFOLD_SMTP_PASSWORD=(not set; default: none)",
                "TWOFOLD_REFRESH_TOKEN_LIFETIME=P30D (default)");
        for (Setting setting : Setting.values()) {
            assertThat(summary).contains(setting.key() + "=");
        }
        assertThat(log.lines().filter(line -> line.contains("WARN")
                && line.contains("TWOFOLD_PASWORD_LOCKOUT"))).hasSize(1);
        assertThat(log).doesNotContain(KEY, CLIENT_SECRET, "jdbc:h2:mem:", "jdbc:postgresql:");
    }
}
