package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Black-box tests of /api/v2/clients, /api/v2/resource-servers and /api/v2/client-grants. */
class ClientsApiTest {

    private static TestServer server;
    private static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        token = ManagementTokens.all(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private Http http() {
        return server.http();
    }

    @Test
    void createWhenConfidentialThenSecretShownOnceAndStoredHashed() {
        Http.Answer created = http().postJson("/api/v2/clients", Map.of("name", "Backend",
                "app_type", "regular_web", "callbacks", List.of("https://app.example.com/cb"),
                "grant_types", List.of("authorization_code", "client_credentials")), token);

        assertThat(created.status()).isEqualTo(201);
        String clientId = created.text("client_id");
        String secret = created.text("client_secret");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
        assertThat(created.text("token_endpoint_auth_method")).isEqualTo("client_secret_post");
        assertThat(created.json().get("callbacks").get(0).asText())
                .isEqualTo("https://app.example.com/cb");
        Http.Answer read = http().get("/api/v2/clients/" + clientId, token);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().has("client_secret")).isFalse();
        String stored = server.server().services().clients().find(clientId).orElseThrow()
                .secretHash().orElseThrow();
        assertThat(stored).startsWith("$argon2id$").doesNotContain(secret);
        assertThat(server.server().services().passwords().verify(secret, stored)).isTrue();
    }

    @Test
    void createWhenNativeThenPublicWithoutSecret() {
        Http.Answer created = http().postJson("/api/v2/clients",
                Map.of("name", "iPhone", "app_type", "native"), token);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.text("token_endpoint_auth_method")).isEqualTo("none");
        assertThat(created.json().has("client_secret")).isFalse();
    }

    @Test
    void rotateSecretWhenCalledThenOldSecretStopsMatching() {
        Http.Answer created = http().postJson("/api/v2/clients",
                Map.of("name", "Rotating", "app_type", "non_interactive"), token);
        String clientId = created.text("client_id");

        Http.Answer rotated = http().postJson("/api/v2/clients/" + clientId + "/rotate-secret",
                Map.of(), token);

        assertThat(rotated.status()).isEqualTo(200);
        String hash = server.server().services().clients().find(clientId).orElseThrow()
                .secretHash().orElseThrow();
        var passwords = server.server().services().passwords();
        assertThat(passwords.verify(created.text("client_secret"), hash)).isFalse();
        assertThat(passwords.verify(rotated.text("client_secret"), hash)).isTrue();
    }

    @Test
    void patchWhenCallbacksChangeThenStoredAndListed() {
        String clientId = http().postJson("/api/v2/clients", Map.of("name", "Patchable"), token)
                .text("client_id");

        Http.Answer patched = http().raw("PATCH", "/api/v2/clients/" + clientId,
                "application/json", Http.json(Map.of("callbacks",
                        List.of("http://127.0.0.1:3000/callback"), "mfa_policy", "never")),
                "Authorization", "Bearer " + token);

        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("callbacks").get(0).asText())
                .isEqualTo("http://127.0.0.1:3000/callback");
        assertThat(patched.text("mfa_policy")).isEqualTo("never");
        Http.Answer list = http().get("/api/v2/clients?include_totals=true", token);
        assertThat(list.json().get("total").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(list.json().get("clients").findValuesAsText("client_id")).contains(clientId);
    }

    @Test
    void deleteWhenClientExistsThen204AndThen404() {
        String clientId = http().postJson("/api/v2/clients", Map.of("name", "Gone"), token)
                .text("client_id");

        Http.Answer deleted = http().delete("/api/v2/clients/" + clientId, token);
        Http.Answer again = http().get("/api/v2/clients/" + clientId, token);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.text("error")).isEqualTo("inexistent_client");
    }

    @Test
    void createWhenPublicClientAsksForClientCredentialsThenRefused() {
        Http.Answer answer = http().postJson("/api/v2/clients", Map.of("name", "Bad",
                "app_type", "spa", "grant_types", List.of("client_credentials")), token);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error_description")).contains("client_credentials");
    }

    @Test
    void resourceServerWhenCreatedThenScopesKeepDescriptionsAndGrantChecksThem() {
        Http.Answer api = http().postJson("/api/v2/resource-servers", Map.of(
                "identifier", "https://api.example.com/", "name", "Example API",
                "signing_alg", "ES256", "token_lifetime", 3600,
                "scopes", List.of(Map.of("value", "read:things", "description", "Read"))), token);
        String clientId = http().postJson("/api/v2/clients",
                Map.of("name", "M2M", "app_type", "non_interactive"), token).text("client_id");

        Http.Answer grant = http().postJson("/api/v2/client-grants", Map.of("client_id",
                clientId, "audience", "https://api.example.com/",
                "scope", List.of("read:things")), token);
        Http.Answer badGrant = http().postJson("/api/v2/client-grants", Map.of("client_id",
                clientId, "audience", "https://api.example.com/",
                "scope", List.of("write:things")), token);
        Http.Answer duplicate = http().postJson("/api/v2/client-grants", Map.of("client_id",
                clientId, "audience", "https://api.example.com/", "scope", List.of()), token);

        assertThat(api.status()).isEqualTo(201);
        JsonNode scope = api.json().get("scopes").get(0);
        assertThat(scope.get("value").asText()).isEqualTo("read:things");
        assertThat(scope.get("description").asText()).isEqualTo("Read");
        assertThat(api.text("signing_alg")).isEqualTo("ES256");
        assertThat(grant.status()).isEqualTo(201);
        assertThat(grant.json().get("scope").get(0).asText()).isEqualTo("read:things");
        assertThat(badGrant.status()).isEqualTo(400);
        assertThat(badGrant.text("error_description")).contains("write:things");
        assertThat(duplicate.status()).isEqualTo(409);
        Http.Answer byIdentifier = http().get("/api/v2/resource-servers/"
                + java.net.URLEncoder.encode("https://api.example.com/",
                        java.nio.charset.StandardCharsets.UTF_8), token);
        assertThat(byIdentifier.text("id")).isEqualTo(api.text("id"));
    }

    @Test
    void resourceServerWhenSigningAlgIsHs256ThenRefusedNamingTheChoices() {
        Http.Answer answer = http().postJson("/api/v2/resource-servers", Map.of(
                "identifier", "https://hs.example.com/", "signing_alg", "HS256"), token);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error_description")).contains("RS256").contains("ES256");
    }
}
