package dev.twofold.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OIDC {@code auth_time} is the last time the user proved a factor (docs/step-up.md): after an
 * MFA grant it is when the second factor was proved, in the access token and the ID token,
 * for a login {@code mfa_token} and for a step-up access token alike; a refresh keeps it.
 * {@code amr} lists the methods proved in the chain, in order, ending with {@code mfa}. The
 * expected times come from the test's clock; every JWT is checked against the JWKS.
 */
class AuthTimeAfterMfaGrantTest {

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
    void unfreeze() {
        server.clock().unfreeze();
    }

    @Test
    void otpGrantWhenLoginMfaTokenThenAuthTimeIsWhenOtpWasProvedAndRefreshKeepsIt()
            throws Exception {
        Instant enrolled = api.freezeMidStep();
        String email = api.newUser("auth-time-otp");
        String secret = api.enrollOtp(email);
        Instant passwordAt = enrolled.plus(Duration.ofSeconds(40));
        server.clock().freezeAt(passwordAt);
        String mfaToken = api.mfaToken(email);
        Instant provedAt = passwordAt.plus(Duration.ofSeconds(50));
        server.clock().freezeAt(provedAt);

        Http.Answer tokens = api.otpGrant(mfaToken, MfaApi.totp(secret, provedAt));

        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        assertAuthentication(tokens, provedAt, List.of("pwd", "otp", "mfa"));

        server.clock().freezeAt(provedAt.plus(Duration.ofMinutes(5)));
        Http.Answer refreshed = refresh(tokens.text("refresh_token"));

        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        assertAuthentication(refreshed, provedAt, List.of("pwd", "otp", "mfa"));
    }

    @Test
    void recoveryGrantWhenLoginMfaTokenThenAuthTimeIsWhenCodeWasProved() throws Exception {
        Instant enrolled = api.freezeMidStep();
        String email = api.newUser("auth-time-recovery");
        String recoveryCode = enrollOtpKeepingRecoveryCode(email, enrolled);
        String mfaToken = api.mfaToken(email);
        Instant provedAt = enrolled.plus(Duration.ofSeconds(100));
        server.clock().freezeAt(provedAt);

        Http.Answer tokens = api.recoveryGrant(mfaToken, recoveryCode);

        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        // A recovery code has no RFC 8176 value; only mfa is added.
        assertAuthentication(tokens, provedAt, List.of("pwd", "mfa"));
    }

    @Test
    void oobGrantWhenStepUpTokenPassedOtpThenAuthTimeIsWhenSmsWasProvedAndAmrInOrder()
            throws Exception {
        Instant enrolled = api.freezeMidStep();
        String email = api.newUser("auth-time-step-up");
        String secret = api.enrollOtp(email);
        Instant firstPassed = enrolled.plus(Duration.ofSeconds(40));
        String stepUpToken = mfaAccessToken(email, secret, firstPassed);
        Instant provedAt = firstPassed.plus(Duration.ofSeconds(70));
        server.clock().freezeAt(provedAt);
        String phone = "+1555555" + String.format("%04d", System.nanoTime() % 10_000);
        Http.Answer associated = api.associateSms(stepUpToken, phone);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);

        Http.Answer tokens = api.oobGrant(stepUpToken, associated.text("oob_code"),
                api.lastCode(phone));

        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        assertAuthentication(tokens, provedAt, List.of("pwd", "otp", "sms", "mfa"));
    }

    @Test
    void otpGrantWhenStepUpTokenThenAuthTimeMovesToTheNewProofAndAmrHasNoRepeats()
            throws Exception {
        Instant enrolled = api.freezeMidStep();
        String email = api.newUser("auth-time-otp-step-up");
        String secret = api.enrollOtp(email);
        Instant firstPassed = enrolled.plus(Duration.ofSeconds(40));
        String stepUpToken = mfaAccessToken(email, secret, firstPassed);
        Instant provedAt = firstPassed.plus(Duration.ofSeconds(60));
        server.clock().freezeAt(provedAt);

        Http.Answer tokens = api.otpGrant(stepUpToken, MfaApi.totp(secret, provedAt));

        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        assertAuthentication(tokens, provedAt, List.of("pwd", "otp", "mfa"));
    }

    /** Enrolls TOTP at {@code at} and returns the recovery code shown with it. */
    private static String enrollOtpKeepingRecoveryCode(String email, Instant at) {
        String mfaToken = api.mfaToken(email);
        Http.Answer associated = api.associateOtp(mfaToken);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        Http.Answer confirmed = api.otpGrant(mfaToken, MfaApi.totp(associated.text("secret"),
                at));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        return associated.json().get("recovery_codes").get(0).asText();
    }

    /** Logs in for the MFA audience and passes OTP at {@code at}; returns the access token. */
    private static String mfaAccessToken(String email, String secret, Instant at) {
        server.clock().freezeAt(at);
        Http.Answer login = api.login(email, Map.of("audience", server.issuer() + "mfa/",
                "scope", "openid enroll"));
        assertThat(login.status()).as(login.body()).isEqualTo(403);
        Http.Answer passed = api.otpGrant(login.text("mfa_token"), MfaApi.totp(secret, at));
        assertThat(passed.status()).as(passed.body()).isEqualTo(200);
        return passed.text("access_token");
    }

    private static Http.Answer refresh(String refreshToken) {
        return server.http().postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", "c1", "client_secret",
                "s1-secret"));
    }

    private static void assertAuthentication(Http.Answer tokens, Instant authTime,
                                             List<String> amr) throws Exception {
        for (String jwt : List.of(tokens.text("access_token"), tokens.text("id_token"))) {
            JWTClaimsSet claims = verified(jwt);
            assertThat(claims.getLongClaim("auth_time")).isEqualTo(authTime.getEpochSecond());
            assertThat(claims.getStringListClaim("amr")).containsExactlyElementsOf(amr);
            assertThat(claims.getStringClaim("acr")).isEqualTo(MfaApi.ACR_MFA);
        }
    }

    /** The claims of a JWT whose RS256 signature the published JWKS confirms. */
    private static JWTClaimsSet verified(String jwt) throws Exception {
        SignedJWT parsed = SignedJWT.parse(jwt);
        assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        JWKSet keys = JWKSet.load(URI.create(server.issuer() + ".well-known/jwks.json")
                .toURL());
        RSAKey key = keys.getKeyByKeyId(parsed.getHeader().getKeyID()).toRSAKey();
        assertThat(parsed.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(parsed.getJWTClaimsSet().getIssuer()).isEqualTo(server.issuer());
        return parsed.getJWTClaimsSet();
    }
}
