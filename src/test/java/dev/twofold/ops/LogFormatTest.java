package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twofold.server.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogFormatTest {

    private static Settings format(String value) {
        return Settings.of(Settings.Mode.DEV, Map.of("TWOFOLD_LOG_FORMAT", value));
    }

    @Test
    void logFormatWhenJsonThenOneJsonObjectPerLineWithRequestId() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            LogFormat.apply(format("json"));
            MDC.put(RequestIds.MDC_KEY, "json-req-7");
            LoggerFactory.getLogger("dev.twofold.ops.LogFormatTest").info("Hello {}", "there");
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
            LogFormat.apply(format("text"));
            System.setOut(original);
        }
        String line = out.toString(StandardCharsets.UTF_8).lines()
                .filter(text -> text.contains("Hello there")).findFirst().orElseThrow();

        JsonNode json = new ObjectMapper().readTree(line);

        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("loggerName").asText()).isEqualTo("dev.twofold.ops.LogFormatTest");
        assertThat(json.get("formattedMessage").asText()).isEqualTo("Hello there");
        assertThat(json.at("/mdc/request_id").asText()).isEqualTo("json-req-7");
    }

    @Test
    void logFormatWhenUnknownThenStartUpRefusedNamingTheSetting() {
        assertThatThrownBy(() -> LogFormat.apply(format("xml")))
                .isInstanceOf(Settings.ConfigurationException.class)
                .hasMessageContaining("TWOFOLD_LOG_FORMAT").hasMessageContaining("xml");
    }

    @Test
    void nodeWhenClosedThenLogsThatTwofoldStopped() {
        try (LogCapture logs = new LogCapture()) {
            dev.twofold.testing.TestServer.start().close();

            assertThat(logs.text()).contains("INFO").contains("Twofold stopped");
        }
    }

    @Test
    void logSetupWhenLogbackStartsThenGuardInstalledAndLibrariesQuiet() {
        ch.qos.logback.classic.LoggerContext context =
                (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();

        assertThat(context.getTurboFilterList())
                .anyMatch(filter -> filter instanceof RawRequestLogGuard);
        for (String quiet : new String[] {"org.eclipse.jetty.server", "com.zaxxer.hikari",
            "org.flywaydb.core", "io.javalin"}) {
            assertThat(context.getLogger(quiet).getEffectiveLevel())
                    .as(quiet).isEqualTo(ch.qos.logback.classic.Level.WARN);
        }
        assertThat(context.getLogger("dev.twofold.oauth").getEffectiveLevel())
                .isEqualTo(ch.qos.logback.classic.Level.INFO);
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("text"))
                .isNotNull();
    }

    @Test
    void logLevelWhenSetInSettingsThenAppliedAndAnUnknownOneRefused() {
        ch.qos.logback.classic.Logger twofold = (ch.qos.logback.classic.Logger)
                LoggerFactory.getLogger("dev.twofold");
        ch.qos.logback.classic.Level before = twofold.getLevel();
        try {
            // As a config file would give it: lower case.
            LogFormat.apply(Settings.of(Settings.Mode.DEV, Map.of("TWOFOLD_LOG_LEVEL", "debug")));
            assertThat(twofold.getLevel()).isEqualTo(ch.qos.logback.classic.Level.DEBUG);

            assertThatThrownBy(() -> LogFormat.apply(
                    Settings.of(Settings.Mode.DEV, Map.of("TWOFOLD_LOG_LEVEL", "verbose"))))
                    .isInstanceOf(Settings.ConfigurationException.class)
                    .hasMessageContaining("TWOFOLD_LOG_LEVEL").hasMessageContaining("verbose");
            assertThat(twofold.getLevel()).isEqualTo(ch.qos.logback.classic.Level.DEBUG);
        } finally {
            twofold.setLevel(before);
        }
    }
}
