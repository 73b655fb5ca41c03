package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.store.User;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Black-box tests of /api/v2/users and /api/v2/users-by-email. */
class UsersApiTest {

    private static final String CONNECTION = "Username-Password-Authentication";
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

    private Http.Answer create(String email, String password) {
        return http().postJson("/api/v2/users", Map.of("connection", CONNECTION,
                "email", email, "password", password), token);
    }

    private Http.Answer patch(String userId, Object body) {
        return http().raw("PATCH", "/api/v2/users/" + encode(userId), "application/json",
                Http.json(body), "Authorization", "Bearer " + token);
    }

    @Test
    void passwordLengthWhenOverTheLimitThenSignupAndManagementRefuseWithOneWording() {
        server.fixtures().publicClient("spa-length");
        String longest = "Aa1-" + "x".repeat(124);
        String tooLong = longest + "y";

        Http.Answer created = create("longest@example.com", longest);
        Http.Answer refused = create("too-long@example.com", tooLong);
        Http.Answer signedUp = http().postForm("/dbconnections/signup", Map.of("client_id",
                "spa-length", "email", "signup-longest@example.com", "password", longest));
        Http.Answer signupRefused = http().postForm("/dbconnections/signup", Map.of(
                "client_id", "spa-length", "email", "signup-long@example.com",
                "password", tooLong));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(signedUp.status()).as(signedUp.body()).isEqualTo(200);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(signupRefused.status()).isEqualTo(400);
        String wording = "Password is too long: at most 128 characters; it has 129.";
        assertThat(refused.text("error_description")).endsWith(wording)
                .doesNotContain("weak");
        assertThat(signupRefused.text("error_description")).isEqualTo(wording);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void createWhenValidThenAuth0ShapeAndArgon2Hash() {
        Http.Answer created = http().postJson("/api/v2/users", Map.of("connection", CONNECTION,
                "email", "carol@example.com", "password", "Correct-Horse-9", "name", "Carol",
                "user_metadata", Map.of("lang", "de"), "email_verified", true), token);

        assertThat(created.status()).isEqualTo(201);
        String userId = created.text("user_id");
        assertThat(userId).matches("auth0\\|[0-9a-f]{24}");
        assertThat(created.text("email")).isEqualTo("carol@example.com");
        assertThat(created.json().get("user_metadata").get("lang").asText()).isEqualTo("de");
        assertThat(created.json().get("identities").get(0).get("user_id").asText())
                .isEqualTo(userId.substring(6));
        assertThat(created.text("created_at")).matches("\\d{4}-\\d\\d-\\d\\dT.*\\.\\d{3}Z");
        assertThat(created.json().has("password")).isFalse();
        User stored = server.server().services().users().find(userId).orElseThrow();
        assertThat(stored.passwordHash().orElseThrow()).startsWith("$argon2id$");
    }

    /**
     * An address of up to 320 characters is accepted (the email column); the name and
     * nickname Auth0 derives from it are cut to their 255-character columns instead of
     * failing the insert with 500.
     */
    @Test
    void createWhenAddressLongerThanANameThen201WithNameCut() {
        String address = "m".repeat(290) + "@example.com";

        Http.Answer created = create(address, "Correct-Horse-9");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.text("email")).isEqualTo(address);
        assertThat(created.text("name")).isEqualTo(address.substring(0, 255));
        assertThat(created.text("nickname")).isEqualTo("m".repeat(255));
    }

    @Test
    void getWhenIdEncodedOrRawPipeThenSameUser() {
        String userId = create("dave@example.com", "Correct-Horse-9").text("user_id");

        Http.Answer encoded = http().get("/api/v2/users/" + userId.replace("|", "%7C"), token);
        Http.Answer lower = http().get("/api/v2/users/" + userId.replace("|", "%7c"), token);

        assertThat(encoded.status()).isEqualTo(200);
        assertThat(encoded.text("user_id")).isEqualTo(userId);
        assertThat(lower.text("user_id")).isEqualTo(userId);
    }

    /** CASES.md BUG-25 step 4: the same address in other case is a duplicate. */
    @Test
    void createWhenEmailDiffersOnlyByCaseThen409AndNoSecondAccount() {
        Http.Answer first = create("Alice.Example@Example.COM", "Correct-Horse-9");

        Http.Answer second = create("alice.example@example.com", "Another-Horse-10");

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.text("message")).isEqualTo("The user already exists.");
        assertThat(second.text("error_description")).isEqualTo("The user already exists.");
        assertThat(second.json().get("statusCode").asInt()).isEqualTo(409);
        Http.Answer found = http().get("/api/v2/users-by-email?email="
                + encode("ALICE.EXAMPLE@example.com"), token);
        assertThat(found.json()).hasSize(1);
        assertThat(found.json().get(0).get("email").asText())
                .isEqualTo("Alice.Example@Example.COM");
    }

    @Test
    void listWhenSearchingByEmailQueryThenFindsIgnoringCase() {
        create("erin@example.com", "Correct-Horse-9");

        Http.Answer answer = http().get("/api/v2/users?include_totals=true&search_engine=v3&q="
                + encode("email:\"ERIN@example.com\""), token);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("total").asInt()).isEqualTo(1);
        assertThat(answer.json().get("users").get(0).get("email").asText())
                .isEqualTo("erin@example.com");
    }

    @Test
    void listWhenPagedThenPerPageRespected() {
        for (int i = 0; i < 3; i++) {
            create("page" + i + "@example.com", "Correct-Horse-9");
        }

        Http.Answer page = http().get("/api/v2/users?per_page=2&page=0&include_totals=true",
                token);
        Http.Answer bare = http().get("/api/v2/users?per_page=2&page=1", token);

        assertThat(page.json().get("users")).hasSize(2);
        assertThat(page.json().get("limit").asInt()).isEqualTo(2);
        assertThat(page.json().get("total").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(bare.json().isArray()).isTrue();
    }

    @Test
    void patchWhenPasswordChangesThenPasswordChangedAtMovesAndMetadataMerges() {
        Http.Answer created = http().postJson("/api/v2/users", Map.of("connection", CONNECTION,
                "email", "frank@example.com", "password", "Correct-Horse-9",
                "app_metadata", Map.of("plan", "free", "region", "eu")), token);
        String userId = created.text("user_id");
        long before = server.server().services().users().find(userId).orElseThrow()
                .passwordChangedAt().orElseThrow();
        server.clock().advance(java.time.Duration.ofMinutes(5));

        Http.Answer patched = patch(userId, Map.of("password", "Brand-New-Pass-1",
                "app_metadata", Map.of("plan", "pro")));

        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("app_metadata").get("plan").asText()).isEqualTo("pro");
        assertThat(patched.json().get("app_metadata").get("region").asText()).isEqualTo("eu");
        User stored = server.server().services().users().find(userId).orElseThrow();
        assertThat(stored.passwordChangedAt().orElseThrow()).isGreaterThan(before);
        assertThat(server.server().services().passwords()
                .verify("Brand-New-Pass-1", stored.passwordHash().orElseThrow())).isTrue();
    }

    @Test
    void patchWhenEmailTakenByAnotherUserThen409() {
        create("grace@example.com", "Correct-Horse-9");
        String userId = create("heidi@example.com", "Correct-Horse-9").text("user_id");

        Http.Answer answer = patch(userId, Map.of("email", "GRACE@example.com"));

        assertThat(answer.status()).isEqualTo(409);
    }

    @Test
    void createWhenBcryptHashImportedThenPasswordVerifies() {
        String hash = OpenBSDBCrypt.generate("2b", "Imported-Pass-7".toCharArray(),
                new byte[16], 10);

        Http.Answer created = http().postJson("/api/v2/users", Map.of("connection", CONNECTION,
                "email", "ivan@example.com", "password_hash", hash), token);

        assertThat(created.status()).isEqualTo(201);
        User stored = server.server().services().users().find(created.text("user_id"))
                .orElseThrow();
        assertThat(server.server().services().passwords()
                .verify("Imported-Pass-7", stored.passwordHash().orElseThrow())).isTrue();
    }

    @Test
    void deleteWhenUserExistsThen204ThenNotFound() {
        String userId = create("judy@example.com", "Correct-Horse-9").text("user_id");

        Http.Answer deleted = http().delete("/api/v2/users/" + encode(userId), token);
        Http.Answer again = http().get("/api/v2/users/" + encode(userId), token);

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.text("error")).isEqualTo("inexistent_user");
    }

    @Test
    void createWhenPasswordTooShortThen400WithoutEchoingIt() {
        Http.Answer answer = create("kim@example.com", "short");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).doesNotContain("\"short\"");
        assertThat(answer.text("error_description")).contains("8");
    }

    @Test
    void createWhenConnectionUnknownThen400NamingTheConnection() {
        Http.Answer answer = http().postJson("/api/v2/users", Map.of("connection", "google",
                "email", "lee@example.com", "password", "Correct-Horse-9"), token);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error_description")).contains(CONNECTION);
    }

    @Test
    void listWhenQueryUnsupportedThen400() {
        Http.Answer answer = http().get("/api/v2/users?q=" + encode("name:*bob*"), token);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.text("error")).isEqualTo("invalid_query_string");
    }

    @Test
    void searchWhenTokenLacksReadUsersThen403() {
        String weak = ManagementTokens.withScopes(server, List.of("create:users"));

        Http.Answer answer = http().get("/api/v2/users-by-email?email=a@example.com", weak);

        assertThat(answer.status()).isEqualTo(403);
    }
}
