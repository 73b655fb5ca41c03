package dev.twofold.mfa.story;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Chromium;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The story Twofold exists for, end to end with real parts: a native app logs its user in
 * through the hosted page (headless Chromium, the Nimbus SDK as the app: PKCE S256, audience
 * {issuer}mfa/, scopes enroll read:authenticators), then with that one access token enrolls an
 * SMS factor, confirms it through the token endpoint, challenges it at /mfa/challenge and
 * verifies the code. Every token is checked against the published JWKS, not trusted.
 */
class NativeAppStoryTest {

    private static final String PHONE_TYPED = "+1 (555) 555-0100";
    private static final String PHONE = "+15555550100";
    private static final String ACR_MFA =
            "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

    private static TestServer server;
    private static Chromium chromium;
    private static MfaApi api;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Chromium.installed(), "Chromium and chromedriver are needed at "
                + Chromium.BINARY + " and " + Chromium.DRIVER);
        server = TestServer.start();
        server.fixtures().publicClient();
        server.fixtures().alice();
        // The login itself asks for one factor only; the app adds SMS afterwards.
        server.fixtures().mfaPolicy("never");
        api = new MfaApi(server);
        chromium = Chromium.start();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void storyWhenOneMfaAccessTokenEnrollsConfirmsChallengesAndVerifiesThenEachStepSucceeds()
            throws Exception {
        String accessToken = hostedLogin();
        SignedJWT login = verified(accessToken);
        assertThat(login.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(login.getJWTClaimsSet().getAudience()).contains(server.issuer() + "mfa/");
        assertThat(login.getJWTClaimsSet().getStringClaim("scope").split(" "))
                .contains("enroll", "read:authenticators");
        assertThat(login.getJWTClaimsSet().getStringListClaim("amr")).containsExactly("pwd");

        Http.Answer associated = api.http().postJson("/mfa/associate", Map.of(
                "client_id", "spa", "authenticator_types", List.of("oob"),
                "oob_channels", List.of("sms"), "phone_number", PHONE_TYPED), accessToken);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        assertThat(associated.text("binding_method")).isEqualTo("prompt");

        Http.Answer confirmed = oobGrant(accessToken, associated.text("oob_code"),
                api.lastCode(PHONE));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);

        // Auth0 lists the recovery code beside the factor it came with; the app picks the SMS.
        JsonNode listed = api.authenticators(accessToken).json();
        assertThat(listed.findValuesAsText("authenticator_type"))
                .containsExactlyInAnyOrder("oob", "recovery-code");
        JsonNode sms = null;
        for (JsonNode authenticator : listed) {
            if (authenticator.get("authenticator_type").asText().equals("oob")) {
                sms = authenticator;
            }
        }
        assertThat(sms.get("id").asText()).startsWith("sms|dev_");
        assertThat(sms.get("active").asBoolean()).isTrue();

        // The request that Auth0 answers with "Malformed mfa_token": the same access token.
        int sent = api.outbox(PHONE).size();
        Http.Answer challenge = api.http().postJson("/mfa/challenge", Map.of(
                "client_id", "spa", "mfa_token", accessToken, "challenge_type", "oob",
                "authenticator_id", sms.get("id").asText()));
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
        assertThat(challenge.text("oob_code")).isNotBlank();
        assertThat(api.outbox(PHONE).size()).isEqualTo(sent + 1);

        Http.Answer verified = oobGrant(accessToken, challenge.text("oob_code"),
                api.lastCode(PHONE));
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        SignedJWT stepUp = verified(verified.text("access_token"));
        // RFC 8176: "sms" for the text message, "mfa" for more than one factor.
        assertThat(stepUp.getJWTClaimsSet().getStringListClaim("amr")).contains("sms", "mfa");
        assertThat(stepUp.getJWTClaimsSet().getStringClaim("acr")).isEqualTo(ACR_MFA);
        assertThat(stepUp.getJWTClaimsSet().getSubject())
                .isEqualTo(login.getJWTClaimsSet().getSubject());
        SignedJWT idToken = verified(verified.text("id_token"));
        assertThat(idToken.getJWTClaimsSet().getAudience()).containsExactly("spa");
        assertThat(idToken.getJWTClaimsSet().getStringListClaim("amr")).contains("sms", "mfa");
    }

    /** The code flow with PKCE through the hosted page; returns the access token. */
    private static String hostedLogin() throws Exception {
        OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(server.issuer()));
        ClientID clientId = new ClientID("spa");
        URI redirectUri = URI.create(Fixtures.REDIRECT_URI);
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        AuthenticationRequest request = new AuthenticationRequest.Builder(
                new ResponseType("code"), new Scope("openid", "enroll", "read:authenticators"),
                clientId, redirectUri).endpointURI(metadata.getAuthorizationEndpointURI())
                .state(state).nonce(new Nonce())
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .customParameter("audience", server.issuer() + "mfa/")
                .loginHint(Fixtures.ALICE).build();

        chromium.browser().get(request.toURI().toString());
        chromium.browser().findElement(By.id("password")).sendKeys(Fixtures.ALICE_PASSWORD);
        chromium.screenshots("story-login");
        chromium.browser().findElement(By.cssSelector("button[type=submit]")).click();
        AuthorizationResponse response = AuthorizationResponse.parse(
                URI.create(chromium.waitForRedirect()));
        assertThat(response.indicatesSuccess()).isTrue();
        assertThat(response.getState()).isEqualTo(state);

        TokenResponse tokens = OIDCTokenResponseParser.parse(new TokenRequest(
                metadata.getTokenEndpointURI(), clientId, new AuthorizationCodeGrant(
                        response.toSuccessResponse().getAuthorizationCode(), redirectUri,
                        verifier)).toHTTPRequest().send());
        assertThat(tokens.indicatesSuccess()).isTrue();
        return tokens.toSuccessResponse().getTokens().getAccessToken().getValue();
    }

    private static Http.Answer oobGrant(String mfaToken, String oobCode, String bindingCode) {
        return api.http().postForm("/oauth/token", Map.of("grant_type", Fixtures.MFA_OOB,
                "client_id", "spa", "mfa_token", mfaToken, "oob_code", oobCode,
                "binding_code", bindingCode));
    }

    /** Parses a JWT and checks its RS256 signature with the key the JWKS names by kid. */
    private static SignedJWT verified(String jwt) throws Exception {
        SignedJWT parsed = SignedJWT.parse(jwt);
        assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        JWKSet keys = JWKSet.load(URI.create(server.issuer() + ".well-known/jwks.json").toURL());
        RSAKey key = keys.getKeyByKeyId(parsed.getHeader().getKeyID()).toRSAKey();
        assertThat(parsed.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(parsed.getJWTClaimsSet().getIssuer()).isEqualTo(server.issuer());
        return parsed;
    }
}
