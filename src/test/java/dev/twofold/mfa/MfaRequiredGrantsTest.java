package dev.twofold.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 3 §2: {@code mfa_required} from the {@code refresh_token} and {@code password-realm}
 * grants, with Auth0's {@code mfa_requirements}: {@code challenge} listing the enrolled types,
 * or {@code enroll} listing the factors switched on (otp, phone and email by default).
 */
class MfaRequiredGrantsTest {

    private static final String ENROLL =
            "{\"enroll\":[{\"type\":\"otp\"},{\"type\":\"phone\"},{\"type\":\"email\"}]}";
    private static final String CHALLENGE_OTP =
            "{\"challenge\":[{\"type\":\"otp\"},{\"type\":\"recovery-code\"}]}";
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

    @AfterEach
    void thaw() {
        server.clock().unfreeze();
    }

    /** A refresh token issued while the policy was {@code never}; then the policy changes. */
    private static String refreshTokenBeforePolicyChange(String email) {
        server.fixtures().mfaPolicy("never");
        Http.Answer login = api.login(email, Map.of());
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        server.fixtures().mfaPolicy("all-applications");
        return login.text("refresh_token");
    }

    private static Http.Answer refresh(String refreshToken) {
        return api.http().postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", "c1", "client_secret", "s1-secret"));
    }

    private static Http.Answer passwordRealm(String email) {
        return api.http().postForm("/oauth/token", Map.of("grant_type", Fixtures.PASSWORD_REALM,
                "realm", "Username-Password-Authentication", "username", email,
                "password", MfaApi.PASSWORD, "client_id", "c1", "client_secret", "s1-secret",
                "scope", "openid"));
    }

    private static void assertMfaRequired(Http.Answer answer, String requirements)
            throws Exception {
        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(answer.text("error")).isEqualTo("mfa_required");
        assertThat(answer.text("mfa_token")).startsWith("mfa_");
        assertThat(answer.json().get("mfa_requirements"))
                .isEqualTo(new ObjectMapper().readTree(requirements));
    }

    @Test
    void refreshWhenPolicyNowRequiresMfaAndUserHasOtpThenChallengeRequirements()
            throws Exception {
        Instant at = api.freezeMidStep();
        String email = api.newUser("rt-otp");
        String secret = api.enrollOtp(email);
        String refreshToken = refreshTokenBeforePolicyChange(email);

        Http.Answer answer = refresh(refreshToken);

        assertMfaRequired(answer, CHALLENGE_OTP);
        server.clock().advance(Duration.ofSeconds(30));
        Http.Answer tokens = api.otpGrant(answer.text("mfa_token"),
                MfaApi.totp(secret, at.plusSeconds(30)));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        assertThat(MfaApi.claims(tokens.text("access_token")).get("amr").toString())
                .contains("\"mfa\"");
    }

    @Test
    void refreshWhenPolicyNowRequiresMfaAndUserHasNoFactorThenEnrollRequirements()
            throws Exception {
        String email = api.newUser("rt-none");
        String refreshToken = refreshTokenBeforePolicyChange(email);

        Http.Answer answer = refresh(refreshToken);

        assertMfaRequired(answer, ENROLL);
    }

    @Test
    void passwordRealmWhenPolicyRequiresMfaThenEnrollThenChallengeRequirements()
            throws Exception {
        server.fixtures().mfaPolicy("all-applications");
        String email = api.newUser("realm");

        Http.Answer beforeEnrollment = passwordRealm(email);
        api.enrollOtp(email);
        Http.Answer afterEnrollment = passwordRealm(email);

        assertMfaRequired(beforeEnrollment, ENROLL);
        assertMfaRequired(afterEnrollment, CHALLENGE_OTP);
    }
}
