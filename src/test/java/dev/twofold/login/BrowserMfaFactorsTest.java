package dev.twofold.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The hosted second factor beyond TOTP in headless Chromium: SMS, email, the choice between
 * factors, the resend cool-down, the enrollment of a first factor (TOTP, SMS, email) with its
 * recovery code, German pages and the branding settings. Codes come from the development
 * outbox or an RFC 6238 computation written here; ID tokens are verified against the JWKS.
 * A fresh browser (so fresh cookies) per test.
 */
class BrowserMfaFactorsTest {

    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private static final String PASSWORD = "Factor-Password-1";
    private static final Pattern SIX_DIGITS = Pattern.compile("\\b([0-9]{6})\\b");
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private static TestServer server;
    private Chromium chromium;
    private WebDriver browser;

    @BeforeAll
    static void start() {
        assumeTrue(Chromium.installed(), "Chromium and chromedriver are needed");
        server = TestServer.start(Map.of("TWOFOLD_PRODUCT_NAME", "Acme Bank",
                "TWOFOLD_BRAND_COLOR", "#0f766e",
                "TWOFOLD_BRAND_LOGO_URL", "https://cdn.example.com/acme.png"));
        server.fixtures().publicClient();
        server.fixtures().mfaPolicy("all-applications");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openBrowser() throws Exception {
        chromium = Chromium.start();
        browser = chromium.browser();
    }

    @AfterEach
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void loginWhenSmsFactorThenCodeFromOutboxGivesSmsAmrInVerifiedIdToken() throws Exception {
        String phone = "+15555550101";
        User user = userWithPhone("sms-user@example.com", AuthenticatorKind.SMS, phone);
        signIn(user, "s1");
        chromium.screenshots("mfa-sms-send");
        sendCode();
        chromium.screenshots("mfa-sms-code");
        WebElement field = browser.findElement(By.id("otp"));
        assertThat(field.getAttribute("inputmode")).isEqualTo("numeric");
        assertThat(field.getAttribute("autocomplete")).isEqualTo("one-time-code");
        assertThat(browser.switchTo().activeElement()).isEqualTo(field);

        typeCode(lastCode(phone));

        JWTClaimsSet claims = verifiedIdToken(chromium.waitForRedirect());
        assertThat(claims.getSubject()).isEqualTo(user.userId());
        assertThat(claims.getStringListClaim("amr")).containsExactly("pwd", "sms", "mfa");
        assertThat(claims.getStringClaim("acr")).isEqualTo(Authentication.ACR_MFA);
    }

    @Test
    void challengeWhenSmsCodeWrongThenErrorOnThePageAndNoRedirect() throws Exception {
        String phone = "+15555550102";
        signIn(userWithPhone("wrong-sms@example.com", AuthenticatorKind.SMS, phone), "s2");
        sendCode();
        String sent = lastCode(phone);

        typeCode(sent.equals("000000") ? "111111" : "000000");

        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                .contains("not valid or has expired");
        assertThat(browser.getCurrentUrl()).startsWith(server.issuer());
        chromium.screenshots("mfa-sms-wrong-code");
    }

    @Test
    void resendWhenInsideCoolDownThenRefusedWithSecondsLeftThenAllowedAfter() throws Exception {
        String phone = "+15555550103";
        signIn(userWithPhone("resend@example.com", AuthenticatorKind.SMS, phone), "s3");
        // Frozen, so the seconds left do not depend on how fast this machine runs the test.
        java.time.Instant sentAt = server.clock().instant();
        server.clock().freezeAt(sentAt);
        try {
            resendInsideAndAfterCoolDown(phone, sentAt);
        } finally {
            server.clock().unfreeze();
            server.clock().advance(Duration.ofSeconds(31));
        }
    }

    private void resendInsideAndAfterCoolDown(String phone, java.time.Instant sentAt)
            throws Exception {
        sendCode();
        String codePage = browser.getCurrentUrl();
        WebElement resend = browser.findElement(By.id("send"));
        assertThat(resend.isEnabled()).isFalse();
        assertThat(browser.findElement(By.id("resend-wait")).getText())
                .matches("Resend available in [0-9]+ s");
        chromium.screenshots("mfa-resend-cooldown");

        server.clock().freezeAt(sentAt.plusSeconds(10));
        ((JavascriptExecutor) browser).executeScript(
                "document.getElementById('send').disabled = false;");
        browser.findElement(By.id("send")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver ->
                !driver.findElements(By.cssSelector("[role=alert]")).isEmpty());

        assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                .contains("You can ask for a new one in 20 seconds");
        assertThat(outbox(phone)).hasSize(1);
        chromium.screenshots("mfa-resend-refused");

        server.clock().freezeAt(sentAt.plusSeconds(31));
        browser.get(codePage);
        sendCode();

        assertThat(outbox(phone)).hasSize(2);
        typeCode(lastCode(phone));
        assertThat(verifiedIdToken(chromium.waitForRedirect()).getStringListClaim("amr"))
                .contains("sms");
    }

    @Test
    void loginWhenRecoveryCodeUsedThenNewCodeShownOnceThenTokensWithMfa() throws Exception {
        User user = userWithPhone("recovery-browser@example.com", AuthenticatorKind.SMS,
                "+15555550109");
        String recoveryCode = dev.twofold.mfa.recovery.RecoveryCodes.of(services())
                .regenerate(user.userId()).orElseThrow();
        signIn(user, "r1");

        browser.findElement(By.partialLinkText("recovery code")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver ->
                !driver.findElements(By.id("recovery_code")).isEmpty());
        browser.findElement(By.id("recovery_code")).sendKeys(recoveryCode.toLowerCase());
        Chromium.submit(browser);
        String shown = browser.findElement(By.id("recovery-code")).getText();
        chromium.screenshots("mfa-recovery-new-code");
        Chromium.submit(browser);

        assertThat(shown).isNotBlank().isNotEqualTo(recoveryCode);
        JWTClaimsSet claims = verifiedIdToken(chromium.waitForRedirect());
        assertThat(claims.getStringListClaim("amr")).contains("mfa");
        assertThat(claims.getSubject()).isEqualTo(user.userId());
    }

    @Test
    void loginWhenEmailFactorThenCodeFromOutboxGivesOtpAmr() throws Exception {
        User user = server.fixtures().user("email-user@example.com", PASSWORD);
        activate(user.userId(), AuthenticatorKind.EMAIL, Optional.empty(),
                Optional.of("email-user@example.com"), Optional.of("e***@example.com"));
        signIn(user, "e1");
        sendCode();
        chromium.screenshots("mfa-email-code");

        typeCode(lastCode("email-user@example.com"));

        JWTClaimsSet claims = verifiedIdToken(chromium.waitForRedirect());
        assertThat(claims.getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");
    }

    @Test
    void loginWhenTwoFactorsThenChoiceThenTheChosenOneIsChallenged() throws Exception {
        String phone = "+15555550104";
        User user = userWithPhone("two-factors@example.com", AuthenticatorKind.SMS, phone);
        byte[] key = "two-factor-test-key!".getBytes(StandardCharsets.US_ASCII);
        activate(user.userId(), AuthenticatorKind.TOTP, Optional.of(base32(key)),
                Optional.empty(), Optional.empty());
        signIn(user, "c1");
        List<WebElement> choices = browser.findElements(By.cssSelector("a.choice"));
        assertThat(choices).extracting(WebElement::getText)
                .containsExactly("Text message to +1 ••• ••• 0104", "Authenticator app");
        chromium.screenshots("mfa-choice");

        Chromium.follow(browser,
                browser.findElement(By.linkText("Authenticator app")));
        typeCode(totp(key));

        assertThat(verifiedIdToken(chromium.waitForRedirect()).getStringListClaim("amr"))
                .containsExactly("pwd", "otp", "mfa");
        assertThat(outbox(phone)).isEmpty();
    }

    @Test
    void enrollWhenTotpChosenThenQrAndSecretThenRecoveryCodeOnceThenTokens() throws Exception {
        User user = server.fixtures().user("enroll-totp@example.com", PASSWORD);
        signIn(user, "t1");
        chromium.screenshots("mfa-enroll-choice");
        submitEnrollment("otp");
        WebElement qr = browser.findElement(By.cssSelector("img.qr"));
        assertThat(qr.getAttribute("src")).startsWith("data:image/png;base64,");
        assertThat(((Number) ((JavascriptExecutor) browser).executeScript(
                "return arguments[0].naturalWidth;", qr)).intValue()).isGreaterThan(100);
        String secret = browser.findElement(By.id("totp-secret")).getText().replace(" ", "");
        chromium.screenshots("mfa-enroll-totp");

        typeCode(totp(base32Decode(secret)));
        String recoveryCode = Chromium.await(browser, By.id("recovery-code"))
                .getText();
        chromium.screenshots("mfa-enroll-recovery-code");
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        assertThat(recoveryCode).matches("[A-Z0-9]{24}");
        assertThat(verifiedIdToken(chromium.waitForRedirect()).getStringListClaim("amr"))
                .containsExactly("pwd", "otp", "mfa");
        assertThat(new AuthenticatorStore(services().database()).activeFactors(user.userId()))
                .extracting(Authenticator::kind).containsExactly(AuthenticatorKind.TOTP);
    }

    @Test
    void enrollWhenSmsWithTypedPunctuationThenNormalisedAndConfirmedByOutboxCode()
            throws Exception {
        User user = server.fixtures().user("enroll-sms@example.com", PASSWORD);
        signIn(user, "t2");
        WebElement phone = browser.findElement(By.id("destination-sms"));
        phone.sendKeys("12ab");
        phone.submit();
        // The refusal is a new page: wait for it rather than racing its load on a busy machine.
        WebElement alert = new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver ->
                driver.findElements(By.cssSelector("[role=alert]")).stream().findFirst()
                        .orElse(null));
        assertThat(alert.getText())
                .contains("not a phone number we can reach");
        chromium.screenshots("mfa-enroll-sms-invalid");

        phone = browser.findElement(By.id("destination-sms"));
        phone.clear();
        phone.sendKeys("+1 (555) 555-0105");
        Chromium.submit(browser, phone);
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver ->
                driver.getCurrentUrl().contains("factor="));
        assertThat(browser.findElement(By.cssSelector(".lead")).getText())
                .contains("+1 ••• ••• 0105");
        typeCode(lastCode("+15555550105"));
        assertThat(Chromium.await(browser, By.id("recovery-code")).getText())
                .matches("[A-Z0-9]{24}");
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        assertThat(verifiedIdToken(chromium.waitForRedirect()).getStringListClaim("amr"))
                .containsExactly("pwd", "sms", "mfa");
    }

    @Test
    void enrollWhenEmailThenCodeFromOutboxConfirmsIt() throws Exception {
        User user = server.fixtures().user("enroll-email@example.com", PASSWORD);
        signIn(user, "t3");
        assertThat(browser.findElement(By.id("destination-email")).getAttribute("value"))
                .isEqualTo("enroll-email@example.com");
        chromium.screenshots("mfa-enroll-email");
        submitEnrollment("email");
        chromium.screenshots("mfa-enroll-email-code");

        typeCode(lastCode("enroll-email@example.com"));
        browser.findElement(By.cssSelector("button[type=submit]")).click();

        assertThat(verifiedIdToken(chromium.waitForRedirect()).getStringListClaim("amr"))
                .containsExactly("pwd", "otp", "mfa");
    }

    @Test
    void pagesWhenBrowserAsksForGermanThenGermanText() throws Exception {
        chromium.close();
        chromium = Chromium.startInLanguage("de");
        browser = chromium.browser();
        User user = server.fixtures().user("deutsch@example.com", PASSWORD);

        authorize("d1");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Anmelden");
        password(user);

        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("de");
        assertThat(browser.findElement(By.tagName("h1")).getText())
                .isEqualTo("Bestätigung in zwei Schritten einrichten");
        assertThat(browser.findElement(By.cssSelector("label[for=destination-sms]")).getText())
                .isEqualTo("Telefonnummer");
        chromium.screenshots("mfa-enroll-de");
    }

    @Test
    void pagesWhenBrandingSetThenNameColourAndLogoShown() throws Exception {
        authorize("b1");

        assertThat(browser.findElement(By.cssSelector(".brand .product")).getText())
                .isEqualTo("Acme Bank");
        assertThat(browser.getTitle()).endsWith("Acme Bank");
        assertThat(browser.findElement(By.cssSelector("button[type=submit]"))
                .getCssValue("background-color")).isIn("rgb(15, 118, 110)",
                "rgba(15, 118, 110, 1)");
        assertThat(browser.findElement(By.cssSelector(".brand img.logo")).getAttribute("src"))
                .isEqualTo("https://cdn.example.com/acme.png");
        chromium.screenshots("login-branded");
    }

    private static Services services() {
        return server.server().services();
    }

    private static User userWithPhone(String email, AuthenticatorKind kind, String phone) {
        User user = server.fixtures().user(email, PASSWORD);
        activate(user.userId(), kind, Optional.empty(), Optional.of(phone),
                Optional.of(dev.twofold.delivery.PhoneNumbers.mask(phone)));
        return user;
    }

    /**
     * An active factor written straight to the store: a TOTP key, a phone number (both
     * sealed as Twofold seals them) or an email address.
     */
    private static void activate(String userId, AuthenticatorKind kind, Optional<String> secret,
                                 Optional<String> destination, Optional<String> name) {
        Services services = services();
        AuthenticatorStore store = new AuthenticatorStore(services.database());
        String id = AuthenticatorStore.newId(kind);
        boolean phone = kind == AuthenticatorKind.SMS || kind == AuthenticatorKind.VOICE;
        Authenticator authenticator = new Authenticator(id, userId, kind, false,
                secret.map(value -> services.secretBox().seal(Authenticator.SECRET_PURPOSE,
                        value)),
                destination.filter(any -> phone).map(value -> services.secretBox()
                        .seal(Authenticator.PHONE_PURPOSE, value)),
                destination.filter(any -> kind == AuthenticatorKind.EMAIL), name,
                Optional.empty(), Optional.empty(), services.clock().millis(), Optional.empty());
        services.database().inTransaction(handle -> {
            store.insertPending(handle, authenticator);
            return store.activate(handle, id, services.clock().millis());
        });
        server.clock().advance(Duration.ofMillis(5));
    }

    private void authorize(String state) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", "spa");
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid");
        parameters.put("state", state);
        parameters.put("code_challenge", CHALLENGE);
        parameters.put("code_challenge_method", "S256");
        browser.get(server.issuer() + "authorize?" + parameters.entrySet().stream()
                .map(entry -> entry.getKey() + "="
                        + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    private void password(User user) {
        browser.findElement(By.id("email")).sendKeys(user.email().orElseThrow());
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        Chromium.submit(browser);
    }

    private void signIn(User user, String state) {
        authorize(state);
        password(user);
        assertThat(browser.getCurrentUrl()).startsWith(server.issuer() + "login/mfa");
    }

    /** Sends a code and waits for the code form it leads to. */
    private void sendCode() {
        // The code page that answers may look like the page it was sent from (a resend):
        // wait until the browser has left that page before looking for the code field.
        Chromium.follow(browser, browser.findElement(By.id("send")));
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver ->
                driver.getCurrentUrl().contains("factor=") && !driver.findElements(
                        By.id("otp")).isEmpty());
    }

    /** Types a code into the code form and waits for the page that answers it. */
    private void typeCode(String code) {
        WebElement field = Chromium.await(browser, By.id("otp"));
        field.sendKeys(code);
        Chromium.submit(browser, field);
    }

    /** Starts an enrollment and waits for its code form (the click may return earlier). */
    private void submitEnrollment(String factor) {
        browser.findElement(By.cssSelector("form:has(input[name=factor][value=" + factor
                + "]) button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver ->
                driver.getCurrentUrl().contains("factor=") && !driver.findElements(
                        By.id("otp")).isEmpty());
    }

    /** The messages the development outbox holds for a destination, newest first. */
    private static List<String> outbox(String destination) {
        Http.Answer answer = server.http().get("/dev/outbox?to="
                + URLEncoder.encode(destination, StandardCharsets.UTF_8));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<String> texts = new java.util.ArrayList<>();
        for (JsonNode message : answer.json()) {
            texts.add(message.get("text").asText());
        }
        return texts;
    }

    private static String lastCode(String destination) {
        List<String> messages = outbox(destination);
        assertThat(messages).isNotEmpty();
        Matcher digits = SIX_DIGITS.matcher(messages.get(0));
        assertThat(digits.find()).as(messages.get(0)).isTrue();
        return digits.group(1);
    }

    /** Exchanges the code and verifies the ID token's signature with the published JWKS. */
    private static JWTClaimsSet verifiedIdToken(String callback) throws Exception {
        String code = HostedLoginClient.query(callback).get("code");
        Http.Answer tokens = server.http().postForm("/oauth/token", Map.of(
                "grant_type", "authorization_code", "client_id", "spa", "code", code,
                "redirect_uri", Fixtures.REDIRECT_URI, "code_verifier", VERIFIER));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        JWTClaimsSet claims = VerifiedTokens.idTokenMatchingAccessToken(server, tokens);
        assertThat(claims.getAudience()).containsExactly("spa");
        return claims;
    }

    /** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) from RFC 4226 §5.3, at the server's clock. */
    private static String totp(byte[] key) throws Exception {
        long step = server.clock().millis() / 30_000;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int offset = hash[hash.length - 1] & 0xf;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }

    /** RFC 4648 §6 Base32 without padding, written here rather than taken from Twofold. */
    private static byte[] base32Decode(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toUpperCase().toCharArray()) {
            buffer = (buffer << 5) | BASE32.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    private static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte value : bytes) {
            buffer = (buffer << 8) | (value & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
