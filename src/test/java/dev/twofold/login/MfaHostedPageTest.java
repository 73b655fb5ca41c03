package dev.twofold.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.AuthenticatorKind;
import dev.twofold.mfa.AuthenticatorStore;
import dev.twofold.oauth.Authentication;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hosted TOTP challenge after the password, when the tenant's MFA policy asks for it. */
class MfaHostedPageTest {

    // RFC 6238 Appendix B's SHA-1 key, and its Base32 form (RFC 4648 §6).
    private static final byte[] KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final String KEY_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().publicClient();
        User alice = server.fixtures().alice();
        server.fixtures().user("bob@example.com", "Bob-Password-1");
        server.fixtures().mfaPolicy("all-applications");
        enrollTotp(server.server().services(), alice.userId());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void enrollTotp(Services services, String userId) {
        AuthenticatorStore store = new AuthenticatorStore(services.database());
        String id = AuthenticatorStore.newId(AuthenticatorKind.TOTP);
        Authenticator totp = new Authenticator(id, userId, AuthenticatorKind.TOTP, false,
                Optional.of(services.secretBox().seal(Authenticator.SECRET_PURPOSE, KEY_BASE32)),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), services.clock().millis(), Optional.empty());
        services.database().inTransaction(handle -> {
            store.insertPending(handle, totp);
            return store.activate(handle, id, services.clock().millis());
        });
    }

    /** RFC 6238 TOTP (SHA-1, 6 digits, 30 s), computed here from RFC 4226 §5.3. */
    private static String totp(long offsetSteps) throws Exception {
        long step = server.clock().millis() / 30_000 + offsetSteps;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(KEY, "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int offset = hash[hash.length - 1] & 0xf;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }

    private static Map<String, String> request(String... extra) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", "spa");
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid");
        parameters.put("state", "m1");
        parameters.put("code_challenge", CHALLENGE);
        parameters.put("code_challenge_method", "S256");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            parameters.put(extra[i], extra[i + 1]);
        }
        return parameters;
    }

    private static String hidden(String html, String name) {
        Matcher matcher = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"")
                .matcher(html);
        assertThat(matcher.find()).as("hidden field " + name).isTrue();
        return matcher.group(1);
    }

    private static Http.Answer submitOtp(HostedLoginClient browser, String page, String otp) {
        return browser.postForm(server.issuer() + "login/mfa", Map.of(
                "request", hidden(page, "request"), "csrf", hidden(page, "csrf"), "otp", otp));
    }

    /** Password done; returns the challenge page's HTML. */
    private static String passwordThenChallengePage(HostedLoginClient browser, String email,
                                                    String password) {
        String location = browser.login(request(), email, password);
        assertThat(location).startsWith(server.issuer() + "login/mfa?request=");
        return browser.get(location).body();
    }

    /**
     * A TOTP time step is accepted once and only after newer ones (RFC 6238 §5.2), so each
     * test that passes a code moves the clock forward, never back.
     */
    private static void freshTimeStep() {
        server.clock().advance(Duration.ofMinutes(2));
    }

    @Test
    void loginWhenPolicyRequiresMfaThenTotpPageThenCodeWithOtpInAmr() throws Exception {
        freshTimeStep();
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String page = passwordThenChallengePage(browser, Fixtures.ALICE,
                Fixtures.ALICE_PASSWORD);

        Http.Answer answer = submitOtp(browser, page, totp(0));

        assertThat(page).contains("autocomplete=\"one-time-code\"", "inputmode=\"numeric\"");
        assertThat(answer.status()).isEqualTo(302);
        Map<String, String> query = HostedLoginClient.query(answer.header("Location"));
        assertThat(query.get("state")).isEqualTo("m1");
        Http.Answer tokens = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "authorization_code", "client_id", "spa", "code",
                query.get("code"), "redirect_uri", Fixtures.REDIRECT_URI,
                "code_verifier", VERIFIER));
        JWTClaimsSet idToken = SignedJWT.parse(tokens.text("id_token")).getJWTClaimsSet();
        assertThat(idToken.getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");
        assertThat(idToken.getStringClaim("acr")).isEqualTo(Authentication.ACR_MFA);
    }

    @Test
    void challengeWhenCodeWrongThenPageAgainWithErrorAndNoRedirect() throws Exception {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String page = passwordThenChallengePage(browser, Fixtures.ALICE,
                Fixtures.ALICE_PASSWORD);
        String wrong = totp(5);

        Http.Answer answer = submitOtp(browser, page, wrong);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Location")).isNull();
        assertThat(answer.body()).contains("That code is not valid");
    }

    @Test
    void challengeWhenCodeAlreadyUsedThenRefused() throws Exception {
        freshTimeStep();
        HostedLoginClient first = new HostedLoginClient(server.issuer());
        HostedLoginClient second = new HostedLoginClient(server.issuer());
        String firstPage = passwordThenChallengePage(first, Fixtures.ALICE,
                Fixtures.ALICE_PASSWORD);
        String secondPage = passwordThenChallengePage(second, Fixtures.ALICE,
                Fixtures.ALICE_PASSWORD);
        String code = totp(0);

        Http.Answer accepted = submitOtp(first, firstPage, code);
        Http.Answer replayed = submitOtp(second, secondPage, code);

        assertThat(accepted.status()).isEqualTo(302);
        assertThat(replayed.status()).isEqualTo(200);
        assertThat(replayed.body()).contains("That code is not valid");
    }

    @Test
    void authorizeWhenSessionPassedMfaThenCodeWithoutAnyPage() throws Exception {
        freshTimeStep();
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String page = passwordThenChallengePage(browser, Fixtures.ALICE,
                Fixtures.ALICE_PASSWORD);
        submitOtp(browser, page, totp(0));

        Http.Answer again = browser.authorize(request("state", "m2"));

        assertThat(again.header("Location")).startsWith(Fixtures.REDIRECT_URI + "?code=");
    }

    @Test
    void authorizeWhenPromptNoneAndOnlyPasswordDoneThenInteractionRequired() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        passwordThenChallengePage(browser, Fixtures.ALICE, Fixtures.ALICE_PASSWORD);

        Http.Answer answer = browser.authorize(request("prompt", "none"));

        Map<String, String> query = HostedLoginClient.query(answer.header("Location"));
        assertThat(query.get("error")).isEqualTo("interaction_required");
        assertThat(query.get("state")).isEqualTo("m1");
    }

    @Test
    void challengePageWhenUserHasNoFactorThenEnrollmentOfTheEnabledFactors() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String location = browser.login(request(), "bob@example.com", "Bob-Password-1");

        Http.Answer page = browser.get(location);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Set up two-step verification",
                "name=\"factor\" value=\"otp\"", "name=\"factor\" value=\"sms\"",
                "name=\"factor\" value=\"email\"")
                .doesNotContain("value=\"voice\"");
    }

    @Test
    void challengeWhenCsrfTokenWrongThenRefused() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String page = passwordThenChallengePage(browser, Fixtures.ALICE,
                Fixtures.ALICE_PASSWORD);

        Http.Answer answer = browser.postForm(server.issuer() + "login/mfa", Map.of(
                "request", hidden(page, "request"), "csrf", "A".repeat(43), "otp", "123456"));

        assertThat(answer.status()).isEqualTo(403);
    }

    private static String tokensAuthTimeAcr(String location) throws Exception {
        Map<String, String> query = HostedLoginClient.query(location);
        Http.Answer tokens = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "authorization_code", "client_id", "spa", "code",
                query.get("code"), "redirect_uri", Fixtures.REDIRECT_URI,
                "code_verifier", VERIFIER));
        JWTClaimsSet idToken = SignedJWT.parse(tokens.text("id_token")).getJWTClaimsSet();
        return idToken.getDateClaim("auth_time").toInstant().getEpochSecond() + " "
                + idToken.getStringClaim("acr");
    }

    @Test
    void authorizeWhenMfaOlderThanMaxAgeThenFreshSecondFactorWithoutPassword()
            throws Exception {
        freshTimeStep();
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        submitOtp(browser, passwordThenChallengePage(browser, Fixtures.ALICE,
                Fixtures.ALICE_PASSWORD), totp(0));
        server.clock().advance(Duration.ofMinutes(10));

        long steppedUpAfter = server.clock().instant().getEpochSecond();
        Http.Answer stepUp = browser.authorize(request("max_age", "300"));
        String page = browser.get(stepUp.header("Location")).body();
        Http.Answer done = submitOtp(browser, page, totp(0));

        assertThat(stepUp.header("Location")).startsWith(server.issuer() + "login/mfa?");
        assertThat(done.header("Location")).startsWith(Fixtures.REDIRECT_URI + "?code=");
        String[] authTimeAcr = tokensAuthTimeAcr(done.header("Location")).split(" ");
        assertThat(Long.parseLong(authTimeAcr[0])).isBetween(steppedUpAfter,
                server.clock().instant().getEpochSecond());
        assertThat(authTimeAcr[1]).isEqualTo(Authentication.ACR_MFA);
    }

    @Test
    void authorizeWhenMfaWithinMaxAgeThenCodeWithoutAnyPage() throws Exception {
        freshTimeStep();
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        submitOtp(browser, passwordThenChallengePage(browser, Fixtures.ALICE,
                Fixtures.ALICE_PASSWORD), totp(0));
        server.clock().advance(Duration.ofSeconds(30));

        Http.Answer again = browser.authorize(request("max_age", "300"));

        assertThat(again.header("Location")).startsWith(Fixtures.REDIRECT_URI + "?code=");
    }

    private static User rememberingUser(String email) {
        User user = server.fixtures().user(email, "Remember-Password-1");
        enrollTotp(server.server().services(), user.userId());
        return user;
    }

    private static HostedLoginClient loginRemembering(String email) throws Exception {
        freshTimeStep();
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String page = passwordThenChallengePage(browser, email, "Remember-Password-1");
        Http.Answer answer = browser.postForm(server.issuer() + "login/mfa", Map.of(
                "request", hidden(page, "request"), "csrf", hidden(page, "csrf"),
                "otp", totp(0), "remember", "yes"));
        assertThat(answer.header("Location")).startsWith(Fixtures.REDIRECT_URI + "?code=");
        assertThat(page).contains("name=\"remember\"", "Remember this device for 30 days");
        return browser;
    }

    @Test
    void loginWhenDeviceRememberedThenPasswordOnlyNextTime() throws Exception {
        rememberingUser("dora.remember@example.com");
        HostedLoginClient browser = loginRemembering("dora.remember@example.com");

        browser.forgetSession();
        String location = browser.login(request(),
                "dora.remember@example.com", "Remember-Password-1");

        assertThat(location).startsWith(Fixtures.REDIRECT_URI + "?code=");
    }

    @Test
    void loginWhenDeviceRememberedButAcrValuesAskMfaThenChallenge() throws Exception {
        rememberingUser("erin.remember@example.com");
        HostedLoginClient browser = loginRemembering("erin.remember@example.com");

        browser.forgetSession();
        String location = browser.login(request("acr_values", Authentication.ACR_MFA), "erin.remember@example.com", "Remember-Password-1");

        assertThat(location).startsWith(server.issuer() + "login/mfa?request=");
    }

    @Test
    void loginWhenRememberedDeviceOfAnotherUserThenChallenge() throws Exception {
        rememberingUser("finn.remember@example.com");
        rememberingUser("gail.remember@example.com");
        HostedLoginClient browser = loginRemembering("finn.remember@example.com");

        browser.forgetSession();
        String location = browser.login(request(),
                "gail.remember@example.com", "Remember-Password-1");

        assertThat(location).startsWith(server.issuer() + "login/mfa?request=");
    }

    @Test
    void loginWhenFactorAddedAfterRememberingThenChallengeAgain() throws Exception {
        User hugo = rememberingUser("hugo.remember@example.com");
        HostedLoginClient browser = loginRemembering("hugo.remember@example.com");
        enrollTotp(server.server().services(), hugo.userId());

        browser.forgetSession();
        String location = browser.login(request(),
                "hugo.remember@example.com", "Remember-Password-1");

        assertThat(location).startsWith(server.issuer() + "login/mfa?request=");
    }

    @Test
    void loginWhenDeviceRememberedButPromptLoginThenPasswordThenChallenge() throws Exception {
        rememberingUser("jan.remember@example.com");
        HostedLoginClient browser = loginRemembering("jan.remember@example.com");

        String location = browser.login(request("prompt", "login"),
                "jan.remember@example.com", "Remember-Password-1");

        assertThat(location).startsWith(server.issuer() + "login/mfa?request=");
    }

    @Test
    void loginWhenPromptLoginAndPolicyNeverButUserHasFactorThenChallenge() throws Exception {
        server.fixtures().mfaPolicy("never");
        try {
            rememberingUser("kim.prompt@example.com");
            HostedLoginClient browser = new HostedLoginClient(server.issuer());
            assertThat(browser.login(request(), "kim.prompt@example.com",
                    "Remember-Password-1")).startsWith(Fixtures.REDIRECT_URI + "?code=");

            String location = browser.login(request("prompt", "login"),
                    "kim.prompt@example.com", "Remember-Password-1");

            assertThat(location).startsWith(server.issuer() + "login/mfa?request=");
        } finally {
            server.fixtures().mfaPolicy("all-applications");
        }
    }

    @Test
    void recoveryCodeWhenCorrectThenNewCodeShownOnceThenSavedThenCodeIssued()
            throws Exception {
        User ivy = rememberingUser("ivy.recovery@example.com");
        String recoveryCode = dev.twofold.mfa.recovery.RecoveryCodes
                .of(server.server().services()).regenerate(ivy.userId()).orElseThrow();
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String challenge = passwordThenChallengePage(browser, "ivy.recovery@example.com",
                "Remember-Password-1");
        String form = browser.get(server.issuer() + "login/mfa/recovery?request="
                + hidden(challenge, "request")).body();

        Http.Answer wrong = browser.postForm(server.issuer() + "login/mfa/recovery", Map.of(
                "request", hidden(form, "request"), "csrf", hidden(form, "csrf"),
                "recovery_code", "ABCDEFGHJKLMNPQRSTUVWXYZ"));
        Http.Answer shown = browser.postForm(server.issuer() + "login/mfa/recovery", Map.of(
                "request", hidden(form, "request"), "csrf", hidden(form, "csrf"),
                "recovery_code", recoveryCode));
        Matcher code = Pattern.compile("id=\"recovery-code\">([^<]+)<").matcher(shown.body());
        Http.Answer saved = browser.postForm(server.issuer() + "login/mfa/continue", Map.of(
                "request", hidden(form, "request"), "csrf", hidden(form, "csrf")));

        assertThat(challenge).contains("login/mfa/recovery?request=");
        assertThat(wrong.status()).isEqualTo(200);
        assertThat(wrong.body()).contains("That recovery code is not valid");
        assertThat(shown.status()).isEqualTo(200);
        assertThat(code.find()).isTrue();
        assertThat(code.group(1)).isNotEqualTo(recoveryCode).hasSize(recoveryCode.length());
        assertThat(shown.body()).contains("I have saved it");
        assertThat(saved.header("Location")).startsWith(Fixtures.REDIRECT_URI + "?code=");
        JWTClaimsSet idToken = SignedJWT.parse(server.http().postForm("/oauth/token", Map.of(
                "grant_type", "authorization_code", "client_id", "spa", "code",
                HostedLoginClient.query(saved.header("Location")).get("code"),
                "redirect_uri", Fixtures.REDIRECT_URI, "code_verifier", VERIFIER))
                .text("id_token")).getJWTClaimsSet();
        assertThat(idToken.getStringListClaim("amr")).contains("mfa");
    }

    @Test
    void recoveryCodeWhenUsedTwiceThenSecondRefused() throws Exception {
        User jay = rememberingUser("jay.recovery@example.com");
        String recoveryCode = dev.twofold.mfa.recovery.RecoveryCodes
                .of(server.server().services()).regenerate(jay.userId()).orElseThrow();
        HostedLoginClient first = new HostedLoginClient(server.issuer());
        HostedLoginClient second = new HostedLoginClient(server.issuer());
        String firstPage = recoveryPage(first, "jay.recovery@example.com");
        String secondPage = recoveryPage(second, "jay.recovery@example.com");

        Http.Answer accepted = first.postForm(server.issuer() + "login/mfa/recovery", Map.of(
                "request", hidden(firstPage, "request"), "csrf", hidden(firstPage, "csrf"),
                "recovery_code", recoveryCode));
        Http.Answer replayed = second.postForm(server.issuer() + "login/mfa/recovery", Map.of(
                "request", hidden(secondPage, "request"), "csrf", hidden(secondPage, "csrf"),
                "recovery_code", recoveryCode));

        assertThat(accepted.body()).contains("I have saved it");
        assertThat(replayed.body()).contains("That recovery code is not valid");
    }

    @Test
    void continueWhenSecondFactorNotPassedThenBackToTheChallenge() {
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        String page = passwordThenChallengePage(browser, Fixtures.ALICE,
                Fixtures.ALICE_PASSWORD);

        Http.Answer skipped = browser.postForm(server.issuer() + "login/mfa/continue", Map.of(
                "request", hidden(page, "request"), "csrf", hidden(page, "csrf")));

        assertThat(skipped.header("Location")).startsWith(server.issuer() + "login/mfa?");
    }

    private static String recoveryPage(HostedLoginClient browser, String email) {
        String challenge = passwordThenChallengePage(browser, email, "Remember-Password-1");
        return browser.get(server.issuer() + "login/mfa/recovery?request="
                + hidden(challenge, "request")).body();
    }
}
