package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A scripted burst of SMS requests across users, numbers and client IPs, cut off at the
 * configured limits. The expected outcome of every attempt comes from a plain counting model
 * in this test (nothing leaks within the burst), not from the code under test.
 */
class SendingLimitsAbuseTest {

    private static final int PER_USER = 4;
    private static final int PER_DESTINATION = 3;
    private static final int PER_IP = 6;
    private static final int PER_COUNTRY = 20;
    private static TestServer server;
    private static final StringBuilder REPORT = new StringBuilder();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "TWOFOLD_PHONE_LIMIT_PER_USER", PER_USER + "/PT1H",
                "TWOFOLD_PHONE_LIMIT_PER_DESTINATION", PER_DESTINATION + "/PT1H",
                "TWOFOLD_PHONE_LIMIT_PER_IP", PER_IP + "/PT1H",
                "TWOFOLD_PHONE_LIMIT_PER_COUNTRY", PER_COUNTRY + "/PT1H",
                "TWOFOLD_SMS_ALLOWED_COUNTRIES", "US, ca,GB"));
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        Path report = Path.of("target", "delivery-abuse-report.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, REPORT.toString());
    }

    /** The independent model: an attempt passes when every counter is below its cap. */
    private static final class Model {
        private final Map<String, Integer> counts = new HashMap<>();

        String decide(String user, String to, String ip) {
            Map<String, Integer> caps = new LinkedHashMap<>();
            caps.put("per user|" + user, PER_USER);
            caps.put("per phone number|" + to, PER_DESTINATION);
            caps.put("per client IP address|" + ip, PER_IP);
            caps.put("per country calling code|+1", PER_COUNTRY);
            for (Map.Entry<String, Integer> cap : caps.entrySet()) {
                if (counts.getOrDefault(cap.getKey(), 0) >= cap.getValue()) {
                    return cap.getKey().split("\\|")[0];
                }
            }
            caps.keySet().forEach(key -> counts.merge(key, 1, Integer::sum));
            return "sent";
        }
    }

    private record Attempt(String user, String to, String ip) {
    }

    private static String attempt(Attempt attempt) {
        Services services = server.server().services();
        try {
            services.sender(Channel.SMS).send(new Message(Channel.SMS, attempt.to(), "424242",
                    Duration.ofMinutes(5), Locale.ENGLISH, attempt.user(), attempt.ip()));
            return "sent";
        } catch (ProtocolError error) {
            assertThat(error.status()).isEqualTo(429);
            assertThat(error.error()).isEqualTo("too_many_requests");
            long retryAfter = Long.parseLong(error.headers().get("Retry-After"));
            assertThat(retryAfter).isBetween(1L, 3600L);
            String description = error.description();
            return description.substring(description.indexOf("the limit ") + 10,
                    description.indexOf(" ("));
        }
    }

    private static String number(int index) {
        return String.format("+1555555%04d", 1000 + index);
    }

    private static Map<String, Integer> runPhase(String phase, List<Attempt> attempts,
                                                 Model model) {
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        for (Attempt attempt : attempts) {
            String expected = model.decide(attempt.user(), attempt.to(), attempt.ip());
            String actual = attempt(attempt);
            assertThat(actual).as(phase + " " + attempt).isEqualTo(expected);
            outcomes.merge(actual, 1, Integer::sum);
        }
        REPORT.append(String.format("%-44s attempts=%3d %s%n", phase, attempts.size(), outcomes));
        return outcomes;
    }

    @Test
    void burstWhenAcrossUsersNumbersAndIpsThenCutOffAtEachLimit() {
        Model model = new Model();
        List<Attempt> oneUser = new ArrayList<>();
        List<Attempt> oneIp = new ArrayList<>();
        List<Attempt> oneVictim = new ArrayList<>();
        List<Attempt> spread = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            oneUser.add(new Attempt("mallory", number(i), "198.51.100.1"));
        }
        for (int i = 0; i < 20; i++) {
            oneIp.add(new Attempt("bot-" + i, number(100 + i), "198.51.100.2"));
            oneVictim.add(new Attempt("pump-" + i, "+15555550142", "203.0.113." + i));
            spread.add(new Attempt("farm-" + i, number(200 + i), "192.0.2." + i));
        }
        REPORT.append("Sending limits: per user ").append(PER_USER).append(", per number ")
                .append(PER_DESTINATION).append(", per IP ").append(PER_IP)
                .append(", per country ").append(PER_COUNTRY).append(" (each then 1/hour)\n");

        Map<String, Integer> user = runPhase("one user, 10 numbers, one IP", oneUser, model);
        Map<String, Integer> ip = runPhase("20 users, 20 numbers, one IP", oneIp, model);
        Map<String, Integer> victim = runPhase("20 users, 20 IPs, one number", oneVictim, model);
        Map<String, Integer> country = runPhase("20 users, 20 IPs, 20 numbers (+1)", spread,
                model);

        assertThat(user).containsEntry("sent", 4).containsEntry("per user", 6);
        assertThat(ip).containsEntry("sent", 6).containsEntry("per client IP address", 14);
        assertThat(victim).containsEntry("sent", 3).containsEntry("per phone number", 17);
        assertThat(country).containsEntry("sent", 7)
                .containsEntry("per country calling code", 13);
        int sent = 4 + 6 + 3 + 7;
        assertThat(outboxTotal()).isEqualTo(sent);
        REPORT.append("messages in the outbox: ").append(outboxTotal()).append('\n');

        server.clock().advance(Duration.ofHours(1));
        Map<String, Integer> later = runPhase("an hour later, mallory twice",
                List.of(new Attempt("mallory", number(50), "198.51.100.9"),
                        new Attempt("mallory", number(51), "198.51.100.9")), model2(model));
        assertThat(later).containsEntry("sent", 1).containsEntry("per user", 1);
    }

    /** After one interval each counter has leaked one message. */
    private static Model model2(Model model) {
        model.counts.replaceAll((key, count) -> Math.max(0, count - 1));
        return model;
    }

    private static int outboxTotal() {
        return server.server().services().database().withHandle(handle -> handle
                .createQuery("SELECT COUNT(*) FROM dev_outbox").mapTo(Integer.class).one());
    }

    @Test
    void sendWhenCountryNotAllowedThen400NamingAllowedCountriesAndNothingCounted() {
        try (SendEndpoint endpoint = new SendEndpoint(server.server().services())) {
            Http.Answer answer = endpoint.send(Channel.SMS, "+4930123456789", "111111",
                    "hans", "198.51.100.77");

            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.text("error")).isEqualTo("invalid_request");
            assertThat(answer.text("error_description")).contains("CA, GB, US").contains("DE");
        }
    }

    @Test
    void sendWhenLimitReachedOverHttpThen429JsonWithRetryAfter() {
        try (SendEndpoint endpoint = new SendEndpoint(server.server().services())) {
            for (int i = 0; i < PER_DESTINATION; i++) {
                assertThat(endpoint.send(Channel.VOICE, "+447700900555", "222222", "gb-" + i,
                        "198.51.100.80").status()).isEqualTo(204);
            }

            Http.Answer answer = endpoint.send(Channel.SMS, "+447700900555", "222222", "gb-x",
                    "198.51.100.81");

            assertThat(answer.status()).isEqualTo(429);
            assertThat(answer.text("error")).isEqualTo("too_many_requests");
            assertThat(answer.text("error_description")).contains("per phone number")
                    .contains("3, then 1 every hour");
            assertThat(Long.parseLong(answer.header("Retry-After"))).isBetween(3590L, 3600L);
        }
    }

    @Test
    void sendWhenManyAtOnceToOneNumberThenExactlyTheLimitGoesOut() throws Exception {
        int attempts = 16;
        CountDownLatch ready = new CountDownLatch(1);
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            Attempt attempt = new Attempt("race-" + i, "+447700900777", "198.51.100.1" + i);
            tasks.add(() -> {
                ready.await();
                return attempt(attempt);
            });
        }

        List<String> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(attempts)) {
            List<Future<String>> futures = tasks.stream().map(pool::submit).toList();
            ready.countDown();
            for (Future<String> future : futures) {
                outcomes.add(future.get());
            }
        }

        assertThat(outcomes).filteredOn("sent"::equals).hasSize(PER_DESTINATION);
        assertThat(outcomes).filteredOn("per phone number"::equals)
                .hasSize(attempts - PER_DESTINATION);
        REPORT.append(String.format("%-44s attempts=%3d sent=%d%n",
                "16 at once to one number, 16 IPs", attempts, PER_DESTINATION));
    }
}
