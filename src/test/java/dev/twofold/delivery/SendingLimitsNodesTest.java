package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestNodes;
import dev.twofold.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A concurrent burst of {@code POST /mfa/associate} SMS enrollments spread over two nodes on
 * one database: the per-number and per-IP limits hold for the cluster as a whole, not per
 * node. The client IPs come from {@code X-Forwarded-For}, the test standing in for a trusted
 * load balancer. Figures go to {@code target/delivery-abuse-nodes-report.txt}.
 */
class SendingLimitsNodesTest {

    private static final int PER_DESTINATION = 3;
    private static final int PER_IP = 4;
    private static final int BURST = 10;
    private static final StringBuilder REPORT = new StringBuilder();

    private static TestNodes nodes;

    @BeforeAll
    static void start() {
        nodes = TestServer.startNodes(2, Map.of(
                "TWOFOLD_PHONE_LIMIT_PER_DESTINATION", PER_DESTINATION + "/PT1H",
                "TWOFOLD_PHONE_LIMIT_PER_IP", PER_IP + "/PT1H",
                "TWOFOLD_TRUSTED_PROXIES", "127.0.0.1"));
        nodes.fixtures().confidentialClient();
        nodes.fixtures().mfaPolicy("all-applications");
        REPORT.append("Two nodes, one database; limits per number ").append(PER_DESTINATION)
                .append(", per IP ").append(PER_IP).append(" (then 1/hour); ").append(BURST)
                .append(" concurrent enrollments per burst, alternating nodes\n");
    }

    @AfterAll
    static void stop() throws IOException {
        nodes.close();
        Path report = Path.of("target", "delivery-abuse-nodes-report.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, REPORT.toString());
    }

    private record Request(String mfaToken, String phone, String ip) {
    }

    @Test
    void burstWhenOneNumberFromManyIpsOverTwoNodesThenCutOffAtThePerNumberLimit()
            throws Exception {
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            requests.add(new Request(mfaToken(i), "+15555550501", "203.0.113." + (10 + i)));
        }

        Map<String, Integer> outcomes = burst("one number, 10 IPs", requests);

        assertThat(outcomes).containsEntry("200", PER_DESTINATION)
                .containsEntry("429 per phone number", BURST - PER_DESTINATION).hasSize(2);
    }

    @Test
    void burstWhenOneIpToManyNumbersOverTwoNodesThenCutOffAtThePerIpLimit() throws Exception {
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            requests.add(new Request(mfaToken(i), "+155555506" + (10 + i), "198.51.100.20"));
        }

        Map<String, Integer> outcomes = burst("10 numbers, one IP", requests);

        assertThat(outcomes).containsEntry("200", PER_IP)
                .containsEntry("429 per client IP address", BURST - PER_IP).hasSize(2);
    }

    /** A fresh user's mfa_token, from node {@code index}. */
    private static String mfaToken(int index) {
        MfaApi api = new MfaApi(nodes.node(index));
        return api.mfaToken(api.newUser("burst"));
    }

    private static Map<String, Integer> burst(String phase, List<Request> requests)
            throws Exception {
        List<Callable<String>> calls = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            Request request = requests.get(i);
            // The enrollment goes to the other node than the one that issued its mfa_token.
            Http http = nodes.http(i + 1);
            calls.add(() -> outcome(http.raw("POST", "/mfa/associate", "application/json",
                    Http.json(Map.of("client_id", "c1", "client_secret", "s1-secret",
                            "authenticator_types", List.of("oob"),
                            "oob_channels", List.of("sms"), "phone_number", request.phone())),
                    "Authorization", "Bearer " + request.mfaToken(),
                    "X-Forwarded-For", request.ip())));
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<String> result : pool.invokeAll(calls)) {
                outcomes.merge(result.get(), 1, Integer::sum);
            }
        }
        REPORT.append(String.format("%-22s attempts=%2d %s%n", phase, requests.size(),
                outcomes));
        return outcomes;
    }

    private static String outcome(Http.Answer answer) {
        if (answer.status() == 200) {
            return "200";
        }
        assertThat(answer.status()).as(answer.body()).isEqualTo(429);
        assertThat(answer.header("Retry-After")).isNotBlank();
        String description = answer.text("error_description");
        return "429 " + description.substring(description.indexOf("the limit ") + 10,
                description.indexOf(" ("));
    }
}
