package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditLogEndpointTest {

    private TestServer server;
    private AuditLog auditLog;

    @BeforeEach
    void start() {
        server = TestServer.start();
        auditLog = server.server().services().auditLog();
        server.fixtures().confidentialClient();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A real client-credentials token from the token endpoint, with the given scope. */
    private String managementToken(String scope) {
        String audience = server.issuer() + "api/v2/";
        server.server().services().database().withHandle(handle -> handle.createUpdate(
                "INSERT INTO client_grants (id, client_id, audience, scope, created_at)"
                        + " VALUES ('cg1', 'c1', :audience, :scope, 0)")
                .bind("audience", audience).bind("scope", "[\"" + scope + "\"]").execute());
        Http.Answer answer = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "client_credentials", "client_id", "c1",
                "client_secret", "s1-secret", "audience", audience));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.text("access_token");
    }

    private void recordLogin(String userId, AuditType type) {
        // Client c9 keeps these apart from the entries the token request itself leaves.
        auditLog.record(AuditEvent.of(type).user(userId).client("c9").ip("203.0.113.9")
                .userAgent("TestAgent/1.0").detail("grant_type", "password")
                .detail("password", "Correct-Horse-9").build());
    }

    /** As on the rest of /api/v2: a repeated or undecodable parameter is refused, not guessed. */
    @Test
    void logsWhenQueryParameterRepeatedOrNotUtf8Then400InvalidQueryString() {
        String token = managementToken("read:logs");

        Http.Answer repeated = server.http().get("/api/v2/logs?per_page=1&per_page=2", token);
        Http.Answer notUtf8 = server.http().get("/api/v2/logs?q=client_id:%FF", token);

        assertThat(repeated.status()).isEqualTo(400);
        assertThat(repeated.text("errorCode")).isEqualTo("invalid_query_string");
        assertThat(repeated.text("error_description")).contains("per_page was sent 2 times");
        assertThat(notUtf8.status()).isEqualTo(400);
        assertThat(notUtf8.text("error_description")).contains("query string")
                .contains("UTF-8");
    }

    @Test
    void logsWhenTokenHasReadLogsThenEntriesInAuth0Shape() {
        Instant before = Instant.now().minusSeconds(1);
        recordLogin("auth0|alice", AuditType.SUCCESS_LOGIN);
        String token = managementToken("read:logs");

        Http.Answer answer = server.http().get("/api/v2/logs?q=client_id:c9", token);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode entry = answer.json().get(0);
        assertThat(entry.get("type").asText()).isEqualTo("s");
        assertThat(entry.get("description").asText()).isEqualTo("Successful login");
        assertThat(entry.get("user_id").asText()).isEqualTo("auth0|alice");
        assertThat(entry.get("client_id").asText()).isEqualTo("c9");
        assertThat(entry.get("ip").asText()).isEqualTo("203.0.113.9");
        assertThat(entry.get("user_agent").asText()).isEqualTo("TestAgent/1.0");
        assertThat(entry.get("log_id").asText()).isNotBlank();
        assertThat(entry.get("date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:"
                + "\\d\\d\\.\\d{3}Z");
        // Sortable by time: the entry's epoch milliseconds in 13 digits, then 12 more digits.
        String logId = entry.get("log_id").asText();
        assertThat(logId).matches("\\d{25}");
        assertThat(Long.parseLong(logId.substring(0, 13)))
                .isEqualTo(Instant.parse(entry.get("date").asText()).toEpochMilli());
        assertThat(Instant.parse(entry.get("date").asText())).isAfter(before);
        assertThat(entry.at("/details/grant_type").asText()).isEqualTo("password");
        assertThat(entry.at("/details/outcome").asText()).isEqualTo("success");
        assertThat(answer.body()).doesNotContain("Correct-Horse-9");
    }

    @Test
    void logWhenFetchedByIdThenSameEntryAndUnknownIdIsJson404() {
        recordLogin("auth0|bob", AuditType.FAILED_LOGIN_PASSWORD);
        String token = managementToken("read:logs");
        String logId = server.http().get("/api/v2/logs?q=type:fp", token).json().get(0)
                .get("log_id").asText();

        Http.Answer one = server.http().get("/api/v2/logs/" + logId, token);
        Http.Answer missing = server.http().get("/api/v2/logs/999", token);

        assertThat(one.status()).isEqualTo(200);
        assertThat(one.text("type")).isEqualTo("fp");
        assertThat(one.text("user_id")).isEqualTo("auth0|bob");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text("error_description")).contains("999");
    }

    @Test
    void logsWhenPagedFilteredAndSortedThenAsAuth0Documents() {
        for (int i = 0; i < 5; i++) {
            server.clock().advance(Duration.ofSeconds(1));
            recordLogin("auth0|u" + i, i % 2 == 0 ? AuditType.SUCCESS_LOGIN
                    : AuditType.FAILED_LOGIN);
        }
        String token = managementToken("read:logs");

        String c9 = "/api/v2/logs?q=client_id:c9&";
        JsonNode newest = server.http().get(c9 + "per_page=2&page=0", token).json();
        JsonNode oldest = server.http().get(c9 + "per_page=2&sort=date:1", token).json();
        JsonNode totals = server.http().get(c9 + "per_page=2&page=1&include_totals=true",
                token).json();
        JsonNode failures = server.http().get("/api/v2/logs?q=type:f%20AND%20client_id:c9",
                token).json();
        JsonNode checkpoint = server.http().get(c9 + "from="
                + oldest.get(0).get("log_id").asText() + "&take=10", token).json();

        assertThat(userIds(newest)).containsExactly("auth0|u4", "auth0|u3");
        assertThat(userIds(oldest)).containsExactly("auth0|u0", "auth0|u1");
        assertThat(totals.get("total").asInt()).isEqualTo(5);
        assertThat(totals.get("start").asInt()).isEqualTo(2);
        assertThat(totals.get("limit").asInt()).isEqualTo(2);
        assertThat(userIds(totals.get("logs"))).containsExactly("auth0|u2", "auth0|u1");
        assertThat(userIds(failures)).containsExactly("auth0|u3", "auth0|u1");
        assertThat(userIds(checkpoint)).containsExactly("auth0|u1", "auth0|u2", "auth0|u3",
                "auth0|u4");
    }

    private static List<String> userIds(JsonNode logs) {
        List<String> ids = new ArrayList<>();
        logs.forEach(entry -> ids.add(entry.get("user_id").asText()));
        return ids;
    }

    @Test
    void logsWhenQueryMalformedThen400NamingTheParameter() {
        String token = managementToken("read:logs");

        Http.Answer perPage = server.http().get("/api/v2/logs?per_page=500", token);
        Http.Answer query = server.http().get("/api/v2/logs?q=password:x", token);

        assertThat(perPage.status()).isEqualTo(400);
        assertThat(perPage.text("error")).isEqualTo("invalid_request");
        assertThat(perPage.text("error_description")).contains("per_page", "500", "100");
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.text("error_description")).contains("password:x");
    }

    @Test
    void logsWhenNoTokenThen401WithBearerChallenge() {
        Http.Answer answer = server.http().get("/api/v2/logs");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.text("error")).isEqualTo("invalid_token");
        assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void logsWhenTokenLacksReadLogsThen403InsufficientScope() {
        String token = managementToken("read:users");

        Http.Answer answer = server.http().get("/api/v2/logs", token);

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text("error")).isEqualTo("insufficient_scope");
        assertThat(answer.header("WWW-Authenticate")).contains("scope=\"read:logs\"");
    }

    @Test
    void recordWhenDetailNameSuggestsSecretThenStoredMasked() {
        auditLog.record(AuditEvent.of(AuditType.MFA_AUTH_FAILED).user("auth0|x")
                .detail("otp", "123456").detail("authenticator_id", "totp|dev_1").build());

        AuditEntry entry = auditLog.list(new AuditQuery(Map.of(), java.util.Optional.empty(),
                false, 1, 0)).get(0);

        assertThat(entry.details()).containsEntry("otp", "****")
                .containsEntry("authenticator_id", "totp|dev_1");
        assertThat(entry.outcome()).isEqualTo("failure");
    }
}
