package dev.twofold.oauth.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ResourceOwnerPasswordCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.AccessTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.TestServer;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Nimbus OAuth 2.0 SDK, a real client library, run against a real node. */
class NimbusClientTest {

    private static TestServer server;
    private static final ClosingSender SENDER = new ClosingSender();
    private static OIDCProviderMetadata metadata;
    private static JWKSet keys;
    private static final ClientSecretBasic C1 =
            new ClientSecretBasic(new ClientID("c1"), new Secret("s1-secret"));

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().alice();
        long now = System.currentTimeMillis();
        server.server().services().database().inTransaction(handle -> handle.createUpdate(
                "INSERT INTO client_grants (id, client_id, audience, scope, created_at)"
                        + " VALUES ('cg1', 'c1', :audience, :scope, :now)")
                .bind("audience", server.issuer() + "api/v2/")
                .bind("scope", "[\"read:users\",\"read:clients\"]").bind("now", now).execute());
        metadata = discover(new Issuer(server.issuer()));
        keys = JWKSet.parse(new HTTPRequest(HTTPRequest.Method.GET, metadata.getJWKSetURI())
                .send(SENDER).getBody());
    }

    /** OIDC Discovery §4 as Nimbus' resolve does it, sent through the closable client. */
    private static OIDCProviderMetadata discover(Issuer issuer) throws Exception {
        HTTPResponse answer = new HTTPRequest(HTTPRequest.Method.GET,
                OIDCProviderMetadata.resolveURL(issuer)).send(SENDER);
        OIDCProviderMetadata found = OIDCProviderMetadata.parse(answer.getBodyAsJSONObject());
        assertThat(found.getIssuer()).isEqualTo(issuer);
        return found;
    }

    @AfterAll
    static void stop() {
        SENDER.close();
        server.close();
    }

    private static OIDCTokenResponse passwordLogin() throws Exception {
        TokenRequest request = new TokenRequest(metadata.getTokenEndpointURI(), C1,
                new ResourceOwnerPasswordCredentialsGrant(Fixtures.ALICE,
                        new Secret(Fixtures.ALICE_PASSWORD)),
                new Scope("openid", "offline_access", "email", "profile"));
        TokenResponse response = OIDCTokenResponseParser.parse(
                request.toHTTPRequest().send(SENDER));
        assertThat(response.indicatesSuccess()).as("password grant succeeds").isTrue();
        return (OIDCTokenResponse) response.toSuccessResponse();
    }

    @Test
    void discoveryWhenResolvedThenNamesOurEndpoints() {
        assertThat(metadata.getIssuer().getValue()).isEqualTo(server.issuer());
        assertThat(metadata.getTokenEndpointURI().toString())
                .isEqualTo(server.issuer() + "oauth/token");
        assertThat(metadata.getCodeChallengeMethods()).extracting(Object::toString)
                .containsExactly("S256");
    }

    @Test
    void clientCredentialsWhenClientGrantExistsThenTokenWithGrantedScope() throws Exception {
        TokenRequest request = new TokenRequest(metadata.getTokenEndpointURI(), C1,
                new ClientCredentialsGrant(), new Scope("read:users", "delete:users"),
                List.of(URI.create(server.issuer() + "api/v2/")), null);

        TokenResponse response = TokenResponse.parse(request.toHTTPRequest().send(SENDER));

        assertThat(response.indicatesSuccess()).isTrue();
        AccessTokenResponse success = response.toSuccessResponse();
        assertThat(success.getTokens().getAccessToken().getScope())
                .isEqualTo(new Scope("read:users"));
        assertThat(success.getTokens().getRefreshToken()).isNull();
    }

    @Test
    void passwordGrantWhenIdTokenValidatedByNimbusThenClaimsMatch() throws Exception {
        OIDCTokenResponse tokens = passwordLogin();
        IDTokenValidator validator = new IDTokenValidator(new Issuer(server.issuer()),
                new ClientID("c1"), JWSAlgorithm.RS256, keys);

        IDTokenClaimsSet claims = validator.validate(tokens.getOIDCTokens().getIDToken(), null);

        assertThat(claims.getSubject().getValue()).startsWith("auth0|");
        assertThat(claims.getAMR()).extracting(Object::toString).containsExactly("pwd");
        assertThat(claims.getAuthorizedParty().getValue()).isEqualTo("c1");
        assertThat(claims.getStringClaim("email")).isEqualTo(Fixtures.ALICE);
        assertThat(claims.getAccessTokenHash()).isNotNull();
        AccessTokenValidator.validate(tokens.getOIDCTokens().getAccessToken(),
                JWSAlgorithm.RS256, claims.getAccessTokenHash());
    }

    @Test
    void userinfoWhenNimbusSendsAccessTokenThenReturnsTheUser() throws Exception {
        OIDCTokenResponse tokens = passwordLogin();

        HTTPResponse http = new UserInfoRequest(metadata.getUserInfoEndpointURI(),
                tokens.getOIDCTokens().getBearerAccessToken()).toHTTPRequest().send(SENDER);
        UserInfoResponse response = UserInfoResponse.parse(http);

        assertThat(response.indicatesSuccess()).isTrue();
        assertThat(response.toSuccessResponse().getUserInfo().getEmailAddress())
                .isEqualTo(Fixtures.ALICE);
    }

    @Test
    void refreshThenRevokeWhenDoneByNimbusThenRevokedTokenRefused() throws Exception {
        RefreshToken first = passwordLogin().getOIDCTokens().getRefreshToken();

        TokenResponse refreshed = OIDCTokenResponseParser.parse(new TokenRequest(
                metadata.getTokenEndpointURI(), C1, new RefreshTokenGrant(first))
                .toHTTPRequest().send(SENDER));
        RefreshToken second = refreshed.toSuccessResponse().getTokens().getRefreshToken();
        HTTPResponse revoked = new TokenRevocationRequest(metadata.getRevocationEndpointURI(),
                C1, second).toHTTPRequest().send(SENDER);
        TokenResponse afterRevoke = TokenResponse.parse(new TokenRequest(
                metadata.getTokenEndpointURI(), C1, new RefreshTokenGrant(second))
                .toHTTPRequest().send(SENDER));

        assertThat(second).isNotEqualTo(first);
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertThat(afterRevoke.indicatesSuccess()).isFalse();
        TokenErrorResponse error = afterRevoke.toErrorResponse();
        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_grant");
    }
}
