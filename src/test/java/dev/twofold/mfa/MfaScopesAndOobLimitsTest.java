package dev.twofold.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 3 §4 and §8: the MFA API's scopes (RFC 6750 §3.1 {@code insufficient_scope}) for an
 * MFA-audience access token, and the limits of out-of-band codes: 5 minutes, bound to their
 * own {@code oob_code}.
 */
class MfaScopesAndOobLimitsTest {

    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        server.fixtures().mfaPolicy("never");
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void thaw() {
        server.clock().unfreeze();
    }

    /** An MFA-audience access token for a user with no factor, carrying only {@code scope}. */
    private static String mfaAccessToken(String scope) {
        Http.Answer login = api.http().postForm("/oauth/token", Map.of("grant_type", "password",
                "client_id", "spa", "username", api.newUser("scope"), "password",
                MfaApi.PASSWORD, "audience", server.issuer() + "mfa/", "scope", scope));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        assertThat(login.text("scope")).doesNotContain(scope.equals("enroll") ? "read" : "enroll");
        return login.text("access_token");
    }

    private static void assertInsufficientScope(Http.Answer answer, String scope) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(answer.text("error")).isEqualTo("insufficient_scope");
        assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer ")
                .contains("error=\"insufficient_scope\"").contains("scope=\"" + scope + "\"");
        assertThat(answer.text("error_description")).contains(scope);
    }

    @Test
    void listWhenTokenLacksReadAuthenticatorsThenInsufficientScope() {
        String token = mfaAccessToken("enroll");

        assertInsufficientScope(api.authenticators(token), "read:authenticators");
    }

    @Test
    void deleteWhenTokenLacksRemoveAuthenticatorsThenInsufficientScope() {
        String token = mfaAccessToken("enroll");

        Http.Answer answer = api.http().delete("/mfa/authenticators/totp%7Cdev_abc", token);

        assertInsufficientScope(answer, "remove:authenticators");
    }

    @Test
    void associateWhenTokenLacksEnrollThenInsufficientScope() {
        String token = mfaAccessToken("read:authenticators");

        Http.Answer answer = api.http().postJson("/mfa/associate", Map.of(
                "authenticator_types", List.of("otp")), token);

        assertInsufficientScope(answer, "enroll");
    }

    @Test
    void oobGrantWhenCodeIsFiveMinutesOldThenExpiredButJustBeforeAccepted() {
        String phone = "+15555550161";
        String email = api.newUser("expiry");
        api.enrollSms(email, phone);
        Instant sent = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        server.clock().freezeAt(sent);

        String early = api.mfaToken(email);
        String earlyOob = api.challenge(early, "oob", null).text("oob_code");
        String earlyCode = api.lastCode(phone);
        server.clock().freezeAt(sent.plus(Duration.ofMinutes(5)).minusSeconds(1));
        Http.Answer inTime = api.oobGrant(early, earlyOob, earlyCode);
        server.clock().freezeAt(sent);
        String late = api.mfaToken(email);
        String lateOob = api.challenge(late, "oob", null).text("oob_code");
        String lateCode = api.lastCode(phone);
        server.clock().freezeAt(sent.plus(Duration.ofMinutes(5)));
        Http.Answer expired = api.oobGrant(late, lateOob, lateCode);

        assertThat(inTime.status()).as(inTime.body()).isEqualTo(200);
        assertThat(expired.status()).as(expired.body()).isEqualTo(400);
        assertThat(expired.text("error")).isEqualTo("invalid_grant");
        assertThat(expired.text("error_description"))
                .contains("expired at " + sent.plus(Duration.ofMinutes(5)));
    }

    @Test
    void oobGrantWhenBindingCodeOfAnotherOobCodeThenRefusedAndOwnCodeAccepted() {
        String phone = "+15555550162";
        String email = api.newUser("binding");
        api.enrollSms(email, phone);
        String first = api.mfaToken(email);
        api.challenge(first, "oob", null);
        String firstCode = api.lastCode(phone);
        String second = api.mfaToken(email);
        String secondOob = api.challenge(second, "oob", null).text("oob_code");
        String secondCode = api.lastCode(phone);

        // Two random 6-digit codes coincide once in a million runs; then the test proves less.
        Http.Answer crossed = api.oobGrant(second, secondOob, firstCode);
        Http.Answer own = api.oobGrant(second, secondOob, secondCode);

        if (!firstCode.equals(secondCode)) {
            assertThat(crossed.status()).as(crossed.body()).isEqualTo(400);
            assertThat(crossed.text("error")).isEqualTo("invalid_grant");
            assertThat(crossed.text("error_description")).contains("binding_code");
        }
        assertThat(own.status()).as(own.body()).isEqualTo(200);
    }
}
