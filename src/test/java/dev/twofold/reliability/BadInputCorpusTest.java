package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every request of {@link BadInputCorpus} gets a 4xx answer with a JSON
 * {@code {error, error_description}} body (HTML only on the hosted pages), never a 5xx, no
 * header that the request tried to inject, and the server stays healthy.
 */
class BadInputCorpusTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static TestServer server;
    private static RawHttp raw;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("TWOFOLD_MAX_BODY_BYTES", "65536"));
        server.fixtures().confidentialClient();
        server.fixtures().publicClient();
        server.fixtures().alice();
        raw = new RawHttp("127.0.0.1", server.server().port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void corpusWhenEveryMalformedRequestSentThenEach4xxJsonAndServerStaysHealthy() {
        List<BadInputCorpus.Case> cases = new BadInputCorpus("127.0.0.1").build();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(300);

        List<String> failures = new ArrayList<>();
        for (BadInputCorpus.Case c : cases) {
            RawHttp.Answer answer = raw.send(c.request());
            String problem = problem(c, answer);
            if (problem != null) {
                failures.add(c.name().substring(0, Math.min(120, c.name().length())) + " -> "
                        + problem);
            }
        }

        assertThat(failures).as(failures.size() + " of " + cases.size() + " cases").isEmpty();
        assertHealthy(server);
    }

    private static String problem(BadInputCorpus.Case c, RawHttp.Answer answer) {
        if (answer.status() < 0) {
            return "connection closed without an answer";
        }
        if (answer.header("X-Injected") != null) {
            return "an injected header came back";
        }
        if (answer.status() >= 500) {
            return "status " + answer.status() + " " + snippet(answer.body());
        }
        String location = answer.header("Location");
        if (location != null && location.contains("evil.example.com")) {
            return "redirected to " + location;
        }
        if (c.htmlAllowed()) {
            // Hosted pages answer a page (logout without a return URL) or an HTML error.
            return null;
        }
        if (answer.status() < 400) {
            return "status " + answer.status();
        }
        String type = answer.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return "status " + answer.status() + " with Content-Type " + type + ": "
                    + snippet(answer.body());
        }
        try {
            JsonNode body = MAPPER.readTree(answer.body());
            if (!body.path("error").isTextual() || !body.path("error_description").isTextual()) {
                return "JSON without error and error_description: " + snippet(answer.body());
            }
        } catch (Exception e) {
            return "body is not JSON: " + snippet(answer.body());
        }
        return null;
    }

    @Test
    void bodiesWhenAuthenticatedAndHoldingNulOrHugeValuesThenEach4xxJson() {
        String management = SecretsTest.managementToken(server);
        List<String> failures = new ArrayList<>();
        String nul = "a\u0000b";
        String huge = "h".repeat(50_000);
        for (String value : List.of(nul, huge, "\ud800", "\u202e\u0000")) {
            Map<String, Http.Answer> answers = Map.of(
                    "users", server.http().postJson("/api/v2/users", Map.of("email",
                            value + "@example.com", "password", value, "connection", value),
                            management),
                    "clients", server.http().postJson("/api/v2/clients", Map.of("name", value,
                            "app_type", value, "callbacks", List.of(value)), management),
                    "user by id", server.http().get("/api/v2/users/" + java.net.URLEncoder
                            .encode(value, java.nio.charset.StandardCharsets.UTF_8), management),
                    "authorize", server.http().get("/authorize?client_id=" + java.net.URLEncoder
                            .encode(value, java.nio.charset.StandardCharsets.UTF_8)
                            + "&response_type=code"));
            answers.forEach((name, answer) -> {
                if (answer.status() >= 500 || answer.status() < 400) {
                    failures.add(name + " " + value.length() + " chars -> " + answer.status()
                            + " " + snippet(answer.body()));
                }
            });
        }
        assertThat(failures).isEmpty();
        assertHealthy(server);
    }

    /** The node still answers: readiness (where the ops endpoint exists) and a real login. */
    static void assertHealthy(TestServer node) {
        Http.Answer ready = node.http().get("/health/ready");
        assertThat(ready.status()).as(ready.body()).isIn(200, 404);
        assertThat(node.http().get("/.well-known/jwks.json").status()).isEqualTo(200);
        Http.Answer login = node.http().postForm("/oauth/token", Map.of("grant_type",
                "password", "username", dev.twofold.testing.Fixtures.ALICE, "password",
                dev.twofold.testing.Fixtures.ALICE_PASSWORD, "client_id", "c1",
                "client_secret", "s1-secret"));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
    }

    private static String snippet(String body) {
        return body.substring(0, Math.min(200, body.length())).replace("\n", " ");
    }
}
