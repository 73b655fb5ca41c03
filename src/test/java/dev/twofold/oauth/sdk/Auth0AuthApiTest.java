package dev.twofold.oauth.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.auth0.client.auth.AuthAPI;
import com.auth0.exception.APIException;
import com.auth0.json.auth.CreatedUser;
import com.auth0.json.auth.TokenHolder;
import com.auth0.json.auth.UserInfo;
import dev.twofold.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Auth0's own Java SDK (com.auth0:auth0) drives the token side unchanged. */
class Auth0AuthApiTest {

    private static final String CONNECTION = "Username-Password-Authentication";
    private static TestServer server;
    private static final ClosingAuth0Client HTTP = new ClosingAuth0Client();
    private static AuthAPI auth;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.server().services().database().inTransaction(handle -> handle.createUpdate(
                "INSERT INTO client_grants (id, client_id, audience, scope, created_at)"
                        + " VALUES ('cg1', 'c1', :audience, '[\"read:users\"]', 0)")
                .bind("audience", server.issuer() + "api/v2/").execute());
        auth = AuthAPI.newBuilder(server.issuer(), "c1", "s1-secret").withHttpClient(HTTP)
                .build();
    }

    @AfterAll
    static void stop() {
        HTTP.close();
        server.close();
    }

    @Test
    void signUpThenLoginWhenDrivenByAuth0SdkThenTokensAndUserinfo() throws Exception {
        CreatedUser created = auth.signUp("dana@example.com", "Dana-Pass-42".toCharArray(),
                CONNECTION).execute().getBody();

        TokenHolder tokens = auth.login("Dana@Example.com", "Dana-Pass-42".toCharArray(),
                CONNECTION).setScope("openid email offline_access").execute().getBody();
        UserInfo info = auth.userInfo(tokens.getAccessToken()).execute().getBody();
        TokenHolder renewed = auth.renewAuth(tokens.getRefreshToken()).execute().getBody();
        int revoked = auth.revokeToken(renewed.getRefreshToken()).execute().getStatusCode();

        assertThat(created.getEmail()).isEqualTo("dana@example.com");
        assertThat(tokens.getIdToken()).isNotBlank();
        assertThat(info.getValues()).containsEntry("email", "dana@example.com")
                .containsEntry("sub", "auth0|" + created.getUserId());
        assertThat(renewed.getRefreshToken()).isNotEqualTo(tokens.getRefreshToken());
        assertThat(revoked).isEqualTo(200);
    }

    @Test
    void loginWhenPasswordWrongThenSdkSeesInvalidGrant() {
        APIException error = catchThrowableOfType(APIException.class, () -> auth.login(
                "nobody@example.com", "whatever-1".toCharArray()).execute());

        assertThat(error.getStatusCode()).isEqualTo(400);
        assertThat(error.getError()).isEqualTo("invalid_grant");
        assertThat(error.getDescription()).isEqualTo("Wrong email or password.");
    }

    @Test
    void requestTokenWhenClientGrantExistsThenSdkGetsManagementToken() throws Exception {
        TokenHolder tokens = auth.requestToken(server.issuer() + "api/v2/").execute().getBody();

        assertThat(tokens.getAccessToken()).isNotBlank();
        assertThat(tokens.getScope()).isEqualTo("read:users");
        assertThat(tokens.getRefreshToken()).isNull();
    }
}
