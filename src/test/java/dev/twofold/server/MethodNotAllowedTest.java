package dev.twofold.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9110 §15.5.6: a path that exists for other methods answers 405 with Allow, not 404. */
class MethodNotAllowedTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "GET    | /oauth/token          | POST",
        "GET    | /mfa/associate        | POST",
        "GET    | /mfa/challenge        | POST",
        "GET    | /oauth/revoke         | POST",
        "GET    | /dbconnections/signup | POST",
        "POST   | /mfa/authenticators   | GET",
        "POST   | /authorize            | GET",
        "POST   | /dev/outbox           | GET",
        "DELETE | /userinfo             | GET",
        "PUT    | /api/v2/users         | POST",
        "PROPFIND | /oauth/token        | POST",
    })
    void knownPathWhenAskedWithAnotherMethodThen405JsonWithAllow(String method, String path,
                                                                 String allowed) {
        Http.Answer answer = server.http().raw(method, path, "application/json",
                method.equals("GET") ? null : "{}");

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.header("Allow")).contains(allowed);
        assertThat(answer.text("error")).isEqualTo("method_not_allowed");
        assertThat(answer.text("error_description")).contains(path).contains(method)
                .contains(allowed);
    }

    @Test
    void unknownPathWhenAskedWithAnyMethodThen404() {
        Http.Answer answer = server.http().raw("PUT", "/no/such/path", null, null);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.text("error")).isEqualTo("not_found");
    }

    /**
     * The CORS preflight route covers every path under /mfa/, so an unknown one there was
     * answered 405 "it answers OPTIONS"; RFC 9110 §15.5.5 makes it 404, as elsewhere.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "GET    | /mfa/no-such-endpoint",
        "POST   | /mfa/associates",
        "DELETE | /mfa/challenge/x",
    })
    void unknownPathUnderMfaWhenAskedThen404NotOptionsOnly(String method, String path) {
        Http.Answer answer = server.http().raw(method, path, "application/json",
                method.equals("GET") ? null : "{}");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.text("error")).isEqualTo("not_found");
        assertThat(answer.text("error_description")).contains(path)
                .doesNotContain("answers OPTIONS");
    }
}
