package dev.twofold.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.TestServer;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The whole browser flow with real parts: Chromium (headless, through chromedriver) on the
 * hosted login page, and the Nimbus OAuth SDK as the OpenID client (discovery, PKCE S256,
 * nonce, code exchange, ID token validation against the JWKS, refresh, revocation).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserOidcTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static TestServer server;
    private static ChromeDriverService driverService;
    private static WebDriver browser;
    private static Path profile;
    private static RefreshToken refreshed;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
                "Chromium and chromedriver are needed at " + CHROMIUM + " and " + CHROMEDRIVER);
        server = TestServer.start();
        server.fixtures().publicClient();
        server.fixtures().alice();
        // Never let Selenium Manager download a browser or a driver: both are given here.
        System.setProperty("SE_AVOID_BROWSER_DOWNLOAD", "true");
        profile = Files.createTempDirectory("twofold-chromium-");
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(driverService, options());
    }

    private static ChromeOptions options() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath(),
                // The redirect URI's host must not reach the network: refuse it on loopback.
                "--host-resolver-rules=MAP app.example.com 127.0.0.1:9");
        return options;
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
        deleteProfile();
    }

    private static void deleteProfile() {
        if (profile == null) {
            return;
        }
        try (var paths = Files.walk(profile)) {
            paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile)
                    .forEach(File::delete);
        } catch (java.io.IOException e) {
            // A leftover browser profile in the temporary folder costs only disk space.
        }
    }

    @Test
    @Order(1)
    void authorizationCodeFlowWhenDrivenByChromiumAndNimbusThenValidatedTokens()
            throws Exception {
        OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(server.issuer()));
        ClientID clientId = new ClientID("spa");
        URI redirectUri = URI.create(Fixtures.REDIRECT_URI);
        CodeVerifier verifier = new CodeVerifier();
        Nonce nonce = new Nonce();
        State state = new State();
        AuthenticationRequest request = new AuthenticationRequest.Builder(
                new ResponseType("code"), new Scope("openid", "profile", "offline_access"),
                clientId, redirectUri).endpointURI(metadata.getAuthorizationEndpointURI())
                .state(state).nonce(nonce).codeChallenge(verifier, CodeChallengeMethod.S256)
                .loginHint(Fixtures.ALICE).build();

        browser.get(request.toURI().toString());
        screenshots();
        browser.findElement(By.id("password")).sendKeys(Fixtures.ALICE_PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        URI callback = URI.create(new WebDriverWait(browser, Duration.ofSeconds(20)).until(
                driver -> driver.getCurrentUrl().startsWith(Fixtures.REDIRECT_URI)
                        ? driver.getCurrentUrl() : null));

        AuthorizationResponse response = AuthorizationResponse.parse(callback);
        assertThat(response.indicatesSuccess()).as(callback.toString()).isTrue();
        assertThat(response.getState()).isEqualTo(state);
        AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();

        OIDCTokenResponse tokens = exchange(metadata, clientId, code, redirectUri, verifier);
        IDTokenClaimsSet claims = new IDTokenValidator(metadata.getIssuer(), clientId,
                JWSAlgorithm.RS256, metadata.getJWKSetURI().toURL())
                .validate(tokens.getOIDCTokens().getIDToken(), nonce);
        assertThat(claims.getAMR()).extracting(Object::toString).containsExactly("pwd");
        assertThat(claims.getAuthenticationTime()).isNotNull();

        refreshed = refresh(metadata, clientId, tokens.getOIDCTokens().getRefreshToken());
    }

    @Test
    @Order(2)
    void revocationWhenRefreshTokenOfTheBrowserFlowRevokedThenItNoLongerRefreshes()
            throws Exception {
        if (refreshed == null) {
            // Run on its own (or after a failed flow): drive the browser flow here, so a broken
            // flow fails this test rather than skipping it.
            authorizationCodeFlowWhenDrivenByChromiumAndNimbusThenValidatedTokens();
        }
        OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(server.issuer()));

        revoke(metadata, new ClientID("spa"), refreshed);
    }

    private static OIDCTokenResponse exchange(OIDCProviderMetadata metadata, ClientID clientId,
                                              AuthorizationCode code, URI redirectUri,
                                              CodeVerifier verifier) throws Exception {
        TokenResponse response = OIDCTokenResponseParser.parse(new TokenRequest(
                metadata.getTokenEndpointURI(), clientId,
                new AuthorizationCodeGrant(code, redirectUri, verifier)).toHTTPRequest().send());
        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse()
                .getErrorObject().toString()).isTrue();
        return (OIDCTokenResponse) response.toSuccessResponse();
    }

    private static RefreshToken refresh(OIDCProviderMetadata metadata, ClientID clientId,
                                        RefreshToken refreshToken) throws Exception {
        TokenResponse response = OIDCTokenResponseParser.parse(new TokenRequest(
                metadata.getTokenEndpointURI(), clientId,
                new RefreshTokenGrant(refreshToken)).toHTTPRequest().send());
        assertThat(response.indicatesSuccess()).isTrue();
        RefreshToken rotated = response.toSuccessResponse().getTokens().getRefreshToken();
        assertThat(rotated).isNotNull().isNotEqualTo(refreshToken);
        return rotated;
    }

    private static void revoke(OIDCProviderMetadata metadata, ClientID clientId,
                               RefreshToken refreshToken) throws Exception {
        HTTPResponse revoked = new TokenRevocationRequest(metadata.getRevocationEndpointURI(),
                clientId, refreshToken).toHTTPRequest().send();
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        TokenResponse after = OIDCTokenResponseParser.parse(new TokenRequest(
                metadata.getTokenEndpointURI(), clientId,
                new RefreshTokenGrant(refreshToken)).toHTTPRequest().send());
        assertThat(after.indicatesSuccess()).isFalse();
        assertThat(after.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
    }

    /** The login page at phone and desktop size, for people to look at. */
    private static void screenshots() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        for (Dimension size : new Dimension[] {new Dimension(390, 844),
                new Dimension(1280, 800)}) {
            browser.manage().window().setSize(size);
            byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(SCREENSHOTS.resolve("login-" + size.getWidth() + "x" + size.getHeight()
                    + ".png"), png);
        }
    }
}
