package dev.twofold.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.AuthenticatorKind;
import dev.twofold.mfa.AuthenticatorStore;
import dev.twofold.oauth.Authentication;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import dev.twofold.testing.Chromium;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The hosted MFA pages in headless Chromium: TOTP after the password, the remembered
 * browser, step-up by max_age and by acr_values, a wrong code and the lock-out. One browser
 * for the class; the tests run in order and share its cookies on purpose.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserMfaTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    // RFC 6238 Appendix B's SHA-1 key, and its Base32 form (RFC 4648 §6).
    private static final byte[] KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final String KEY_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private static TestServer server;
    private static ChromeDriverService driverService;
    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
                "Chromium and chromedriver are needed at " + CHROMIUM + " and " + CHROMEDRIVER);
        server = TestServer.start();
        server.fixtures().publicClient();
        server.fixtures().mfaPolicy("all-applications");
        enrollTotp(server.server().services(), server.fixtures().alice().userId());
        User bob = server.fixtures().user("bob@example.com", "Bob-Password-1");
        enrollTotp(server.server().services(), bob.userId());
        System.setProperty("SE_AVOID_BROWSER_DOWNLOAD", "true");
        profile = Files.createTempDirectory("twofold-chromium-");
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath(),
                "--host-resolver-rules=MAP app.example.com 127.0.0.1:9");
        browser = new ChromeDriver(driverService, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        if (server != null) {
            server.close();
        }
        if (profile != null) {
            try (var paths = Files.walk(profile)) {
                paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile)
                        .forEach(File::delete);
            } catch (java.io.IOException e) {
                // A leftover browser profile in the temporary folder costs only disk space.
            }
        }
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

    private static void authorize(String state, String... extra) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", "spa");
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid");
        parameters.put("state", state);
        parameters.put("code_challenge", CHALLENGE);
        parameters.put("code_challenge_method", "S256");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            parameters.put(extra[i], extra[i + 1]);
        }
        browser.get(server.issuer() + "authorize?" + parameters.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + java.net.URLEncoder.encode(
                        entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    private static void password(String email, String password) {
        var field = waitFor(By.id("email"));
        field.clear();
        field.sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(password);
        Chromium.submit(browser);
    }

    private static void code(String otp, boolean remember) {
        waitFor(By.id("otp")).sendKeys(otp);
        if (remember) {
            browser.findElement(By.name("remember")).click();
        }
        Chromium.submit(browser);
    }

    /** The element once the page that holds it has loaded: a click does not wait for it. */
    private static org.openqa.selenium.WebElement waitFor(By locator) {
        return new WebDriverWait(browser, Duration.ofSeconds(10)).until(
                org.openqa.selenium.support.ui.ExpectedConditions
                        .presenceOfElementLocated(locator));
    }

    private static String callback() {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver ->
                driver.getCurrentUrl().startsWith(Fixtures.REDIRECT_URI)
                        ? driver.getCurrentUrl() : null);
    }

    /** Drops the session cookie but keeps the remembered-browser cookie. */
    private static void forgetSession() {
        browser.get(server.issuer() + ".well-known/openid-configuration");
        browser.manage().deleteCookieNamed(Cookies.SESSION);
    }

    private static boolean onMfaPage() {
        return browser.getCurrentUrl().startsWith(server.issuer() + "login/mfa");
    }

    private static JWTClaimsSet idToken(String callback) throws Exception {
        String code = HostedLoginClient.query(callback).get("code");
        Http.Answer tokens = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "authorization_code", "client_id", "spa", "code", code,
                "redirect_uri", Fixtures.REDIRECT_URI, "code_verifier", VERIFIER));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        return VerifiedTokens.idTokenMatchingAccessToken(server, tokens);
    }

    /** The current page at phone and desktop size, for people to look at. */
    private static void screenshots(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        for (Dimension size : new Dimension[] {new Dimension(390, 844),
                new Dimension(1280, 800)}) {
            browser.manage().window().setSize(size);
            byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(SCREENSHOTS.resolve(name + "-" + size.getWidth() + "x"
                    + size.getHeight() + ".png"), png);
        }
    }

    @Test
    @Order(1)
    void loginWhenTotpAndRememberTickedThenCodeWithOtpAmrAndMfaAcr() throws Exception {
        server.clock().advance(Duration.ofMinutes(2));
        authorize("b1");
        password(Fixtures.ALICE, Fixtures.ALICE_PASSWORD);
        assertThat(onMfaPage()).as(browser.getCurrentUrl()).isTrue();
        screenshots("mfa-totp");
        assertThat(browser.findElement(By.id("otp")).getAttribute("autocomplete"))
                .isEqualTo("one-time-code");

        code(totp(0), true);

        JWTClaimsSet claims = idToken(callback());
        assertThat(claims.getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");
        assertThat(claims.getStringClaim("acr")).isEqualTo(Authentication.ACR_MFA);
    }

    @Test
    @Order(2)
    void loginWhenBrowserRememberedAndSessionGoneThenPasswordOnly() throws Exception {
        forgetSession();
        authorize("b2");
        password(Fixtures.ALICE, Fixtures.ALICE_PASSWORD);

        JWTClaimsSet claims = idToken(callback());

        assertThat(claims.getStringListClaim("amr")).containsExactly("pwd");
        screenshots("remembered-browser-callback");
    }

    @Test
    @Order(3)
    void authorizeWhenAcrValuesAskMfaThenChallengeDespiteRememberedBrowser() throws Exception {
        server.clock().advance(Duration.ofMinutes(2));
        authorize("b3", "acr_values", Authentication.ACR_MFA);
        assertThat(onMfaPage()).as(browser.getCurrentUrl()).isTrue();
        screenshots("mfa-step-up-acr");

        code(totp(0), false);

        assertThat(idToken(callback()).getStringClaim("acr")).isEqualTo(Authentication.ACR_MFA);
    }

    @Test
    @Order(4)
    void authorizeWhenMfaOlderThanMaxAgeThenFreshSecondFactorOnly() throws Exception {
        server.clock().advance(Duration.ofMinutes(10));
        long steppedUpAfter = server.clock().instant().getEpochSecond();
        authorize("b4", "max_age", "120");
        assertThat(onMfaPage()).as(browser.getCurrentUrl()).isTrue();
        screenshots("mfa-step-up-max-age");

        code(totp(0), false);

        JWTClaimsSet claims = idToken(callback());
        assertThat(claims.getDateClaim("auth_time").toInstant().getEpochSecond())
                .isBetween(steppedUpAfter, server.clock().instant().getEpochSecond());
    }

    @Test
    @Order(5)
    void authorizeWhenPromptLoginInLiveMfaSessionThenPasswordAndFreshSecondFactor()
            throws Exception {
        server.clock().advance(Duration.ofMinutes(2));
        long loginAfter = server.clock().instant().getEpochSecond();
        authorize("b6", "prompt", "login");
        waitFor(By.id("password"));
        assertThat(browser.getCurrentUrl()).startsWith(server.issuer() + "login?request=");
        password(Fixtures.ALICE, Fixtures.ALICE_PASSWORD);
        waitFor(By.id("otp"));
        assertThat(onMfaPage()).as(browser.getCurrentUrl()).isTrue();
        screenshots("mfa-prompt-login");

        code(totp(0), false);

        JWTClaimsSet claims = idToken(callback());
        assertThat(claims.getStringListClaim("amr")).contains("pwd", "otp", "mfa");
        assertThat(claims.getStringClaim("acr")).isEqualTo(Authentication.ACR_MFA);
        assertThat(claims.getDateClaim("auth_time").toInstant().getEpochSecond())
                .isGreaterThanOrEqualTo(loginAfter);
    }

    @Test
    @Order(6)
    void challengeWhenWrongCodesThenErrorThenLockOutMessage() throws Exception {
        server.clock().advance(Duration.ofMinutes(2));
        authorize("b5", "prompt", "login");
        password("bob@example.com", "Bob-Password-1");
        String wrong = totp(7);
        code(wrong, false);
        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                .contains("That code is not valid");
        screenshots("mfa-wrong-code");

        for (int failure = 2; failure <= 10 && onMfaPage()
                && !browser.getPageSource().contains("Too many"); failure++) {
            code(wrong, false);
        }
        if (!browser.getPageSource().contains("Too many")) {
            code(totp(0), false);
        }

        assertThat(browser.getPageSource()).contains("Too many failed second-factor");
        screenshots("mfa-locked");
    }
}
