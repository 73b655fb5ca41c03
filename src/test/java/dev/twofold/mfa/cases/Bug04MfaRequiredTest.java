package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BUG-04: what the mfa_required answer looks like on the wire. */
class Bug04MfaRequiredTest {

    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void loginWhenUserHasFactorThenForbiddenWithChallengeRequirementsFormAndJson() {
        String email = api.newUser("u");
        api.enrollOtp(email);

        Http.Answer form = api.login(email, Map.of());
        Http.Answer json = api.http().postJson("/oauth/token", Map.of("grant_type", "password",
                "username", email, "password", MfaApi.PASSWORD, "client_id", "c1",
                "client_secret", "s1-secret", "scope", "openid offline_access"));

        for (Http.Answer answer : new Http.Answer[] {form, json}) {
            assertMfaRequiredShape(answer);
            assertThat(answer.json().at("/mfa_requirements/challenge").findValuesAsText("type"))
                    .containsExactly("otp", "recovery-code");
        }
    }

    @Test
    void loginWhenUserHasNoFactorThenSameShapeWithEnrollAndEmptyList() {
        String email = api.newUser("w");

        Http.Answer answer = api.login(email, Map.of());

        assertMfaRequiredShape(answer);
        assertThat(answer.json().at("/mfa_requirements/enroll").size()).isPositive();
        Http.Answer list = api.authenticators(answer.text("mfa_token"));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().isArray()).isTrue();
        assertThat(list.json().size()).isZero();
        assertThat(api.associateOtp(answer.text("mfa_token")).status()).isEqualTo(200);
    }

    private static void assertMfaRequiredShape(Http.Answer answer) {
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.header("Pragma")).isEqualTo("no-cache");
        assertThat(answer.text("error")).isEqualTo("mfa_required");
        assertThat(answer.text("error_description")).isNotBlank();
        assertThat(answer.text("mfa_token")).startsWith("mfa_");
        assertThat(answer.json().has("access_token")).isFalse();
        assertThat(answer.json().has("id_token")).isFalse();
        assertThat(answer.json().has("refresh_token")).isFalse();
    }
}
