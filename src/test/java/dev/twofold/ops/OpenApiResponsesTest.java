package dev.twofold.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.management.ManagementTokens;
import dev.twofold.mfa.MfaApi;
import dev.twofold.store.User;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real answers of a scripted flow (password grant answered by mfa_required, associate, a wrong
 * and a right code, challenge, authenticators, refusals, the Management API and its logs)
 * match the schemas that src/main/resources/openapi.json documents for their status.
 */
class OpenApiResponsesTest {

    private static final String CONNECTION = "Username-Password-Authentication";
    private static TestServer server;
    private static MfaApi api;
    private static OpenApiSchemas schemas;
    private final List<String> problems = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
        schemas = new OpenApiSchemas(server.http().get("/openapi.json").body());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void mfaFlowWhenScriptedThenEveryAnswerMatchesItsDocumentedSchema() {
        Instant at = api.freezeMidStep();
        String email = api.newUser("openapi");

        Http.Answer required = check("post", "/oauth/token", api.login(email, Map.of()), 403);
        String mfaToken = required.text("mfa_token");
        check("post", "/mfa/associate", api.associateOtp(null), 401);
        Http.Answer associated = check("post", "/mfa/associate", api.associateOtp(mfaToken), 200);
        String secret = associated.text("secret");
        String code = MfaApi.totp(secret, at);
        check("post", "/oauth/token", api.otpGrant(mfaToken, wrong(code)), 400);
        Http.Answer tokens = check("post", "/oauth/token", api.otpGrant(mfaToken, code), 200);
        server.clock().freezeAt(at.plus(Duration.ofSeconds(30)));
        String second = api.mfaToken(email);
        check("post", "/mfa/challenge", api.challenge(second, "otp", null), 200);
        check("post", "/mfa/challenge", api.challenge("not-an-mfa-token", "otp", null), 400);
        check("get", "/mfa/authenticators", api.authenticators(second), 200);
        check("get", "/mfa/authenticators", api.authenticators(null), 401);
        check("get", "/userinfo",
                api.http().get("/userinfo", tokens.text("access_token")), 200);
        check("post", "/oauth/token", api.http().postForm("/oauth/token",
                Map.of("grant_type", "urn:example:unknown", "client_id", "c1",
                        "client_secret", "s1-secret")), 400);
        server.clock().unfreeze();

        assertThat(problems).isEmpty();
    }

    @Test
    void managementApiWhenReadThenEveryAnswerMatchesItsDocumentedSchema() {
        String email = api.newUser("openapi-admin");
        api.enrollOtp(email);
        String userId = server.server().services().users().findByEmail(CONNECTION, email)
                .map(User::userId).orElseThrow();
        String token = ManagementTokens.allAnd(server, "read:logs");
        String user = "/api/v2/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8);
        Http http = server.http();

        check("get", "/api/v2/users", http.get("/api/v2/users", token), 200);
        check("get", "/api/v2/users", http.get("/api/v2/users?include_totals=true", token), 200);
        check("get", "/api/v2/users/{id}", http.get(user, token), 200);
        check("get", "/api/v2/users/{id}", http.get("/api/v2/users/auth0%7Cnone", token), 404);
        check("get", "/api/v2/users/{id}/authentication-methods",
                http.get(user + "/authentication-methods", token), 200);
        check("get", "/api/v2/users/{id}/enrollments",
                http.get(user + "/enrollments", token), 200);
        check("get", "/api/v2/clients", http.get("/api/v2/clients", token), 200);
        check("get", "/api/v2/guardian/factors", http.get("/api/v2/guardian/factors", token),
                200);
        Http.Answer logs = check("get", "/api/v2/logs", http.get("/api/v2/logs", token), 200);
        check("get", "/api/v2/logs", http.get("/api/v2/logs?include_totals=true", token), 200);
        check("get", "/api/v2/logs/{id}", http.get("/api/v2/logs/"
                + logs.json().get(0).get("log_id").asText(), token), 200);
        check("get", "/api/v2/logs", http.get("/api/v2/logs"), 401);
        check("get", "/api/v2/logs", http.get("/api/v2/logs?per_page=1000", token), 400);

        assertThat(problems).isEmpty();
    }

    @Test
    void publicDocumentsWhenFetchedThenMatchTheirDocumentedSchemas() {
        Http http = server.http();

        check("get", "/.well-known/openid-configuration",
                http.get("/.well-known/openid-configuration"), 200);
        check("get", "/.well-known/jwks.json", http.get("/.well-known/jwks.json"), 200);
        check("get", "/health/ready", http.get("/health/ready"), 200);
        check("get", "/health/live", http.get("/health/live"), 200);

        assertThat(problems).isEmpty();
    }

    @Test
    void checkerWhenAnswerContradictsDocumentThenNamesTheProblem() {
        HttpHeaders none = HttpHeaders.of(Map.of(), (name, value) -> true);

        List<String> wrongType = schemas.problems("post", "/mfa/challenge",
                new Http.Answer(200, none, "{\"challenge_type\":\"sms\"}"));
        List<String> missing = schemas.problems("get", "/mfa/authenticators",
                new Http.Answer(200, none, "[{\"id\":\"totp|x\"}]"));
        List<String> undocumented = schemas.problems("post", "/mfa/challenge",
                new Http.Answer(302, none, ""));

        assertThat(wrongType).singleElement().asString().contains("/challenge_type");
        assertThat(missing).hasSize(2).allMatch(problem -> problem.contains("/0"));
        assertThat(undocumented).singleElement().asString()
                .contains("no response documented");
    }

    /** Records what differs from the document; the status must be the flow's. */
    private Http.Answer check(String method, String template, Http.Answer answer, int status) {
        assertThat(answer.status()).as(method + " " + template + ": " + answer.body())
                .isEqualTo(status);
        problems.addAll(schemas.problems(method, template, answer));
        return answer;
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "111111" : "000000";
    }
}
