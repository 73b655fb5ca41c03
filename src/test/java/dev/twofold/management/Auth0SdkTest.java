package dev.twofold.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.auth0.client.auth.AuthAPI;
import com.auth0.client.mgmt.ManagementApi;
import com.auth0.client.mgmt.core.ManagementApiException;
import com.auth0.client.mgmt.types.ClientAppTypeEnum;
import com.auth0.client.mgmt.types.CreateClientRequestContent;
import com.auth0.client.mgmt.types.CreateClientResponseContent;
import com.auth0.client.mgmt.types.CreateUserRequestContent;
import com.auth0.client.mgmt.types.CreateUserResponseContent;
import com.auth0.json.auth.TokenHolder;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.twofold.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Auth0 Java SDK (com.auth0:auth0 3.0.0) drives the Management API: a token from
 * AuthAPI's client-credentials request, then ManagementApi creates a client and a user, and
 * AuthAPI logs the user in with the password-realm grant.
 */
class Auth0SdkTest {

    private static final String MGMT_ID = "sdk-mgmt";
    private static final String MGMT_SECRET = "sdk-mgmt-secret-0123456789-abcdefghij";
    private static TestServer server;
    private static ManagementApi management;
    private static final okhttp3.OkHttpClient HTTP = new okhttp3.OkHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("TWOFOLD_BOOTSTRAP_CLIENT_ID", MGMT_ID,
                "TWOFOLD_BOOTSTRAP_CLIENT_SECRET", MGMT_SECRET));
        AuthAPI auth = AuthAPI.newBuilder(base(), MGMT_ID, MGMT_SECRET).build();
        TokenHolder token = auth.requestToken(server.issuer() + "api/v2/").execute().getBody();
        management = ManagementApi.builder().url(base() + "/api/v2")
                .token(token.getAccessToken()).httpClient(HTTP).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        // Idle keep-alive connections would otherwise hold the node's graceful stop.
        HTTP.connectionPool().evictAll();
        server.close();
    }

    private static String base() {
        return server.issuer().substring(0, server.issuer().length() - 1);
    }

    @Test
    void sdkWhenCreatingClientAndUserThenUserLogsInWithPasswordRealm() throws Exception {
        CreateClientResponseContent client = management.clients().create(
                CreateClientRequestContent.builder().name("SDK app")
                        .appType(ClientAppTypeEnum.REGULAR_WEB)
                        .grantTypes(List.of("password",
                                "http://auth0.com/oauth/grant-type/password-realm"))
                        .callbacks(List.of("https://app.example.com/cb"))
                        .build());
        CreateUserResponseContent user = management.users().create(
                CreateUserRequestContent.builder()
                        .connection("Username-Password-Authentication")
                        .email("Sdk.User@Example.com").password("Correct-Horse-9")
                        .emailVerified(true).build());

        AuthAPI login = AuthAPI.newBuilder(base(), client.getClientId().orElseThrow(),
                client.getClientSecret().orElseThrow()).build();
        TokenHolder tokens = login.login("sdk.user@example.com", "Correct-Horse-9".toCharArray(),
                "Username-Password-Authentication").setScope("openid").execute().getBody();

        assertThat(client.getClientSecret()).isPresent();
        assertThat(user.getUserId().orElseThrow()).startsWith("auth0|");
        assertThat(tokens.getAccessToken()).isNotBlank();
        assertThat(tokens.getIdToken()).isNotBlank();
        assertThat(management.users().get(user.getUserId().orElseThrow()).getEmail())
                .contains("Sdk.User@Example.com");
        IDTokenClaimsSet claims = validatedIdToken(tokens.getIdToken(),
                client.getClientId().orElseThrow());
        assertThat(claims.getSubject().getValue()).isEqualTo(user.getUserId().orElseThrow());
    }

    /** Nimbus's verdict: signature against the published JWKS, issuer, audience, expiry. */
    private static IDTokenClaimsSet validatedIdToken(String idToken, String clientId)
            throws Exception {
        OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(
                new Issuer(server.issuer()));
        IDTokenValidator validator = new IDTokenValidator(metadata.getIssuer(),
                new ClientID(clientId), JWSAlgorithm.RS256, metadata.getJWKSetURI().toURL());
        return validator.validate(JWTParser.parse(idToken), null);
    }

    /** CASES.md BUG-25 step 4 through the SDK: another spelling of an address is refused. */
    @Test
    void sdkWhenCreatingSameEmailInOtherCaseThenConflict() {
        management.users().create(CreateUserRequestContent.builder()
                .connection("Username-Password-Authentication")
                .email("Alice.Example@Example.COM").password("Correct-Horse-9").build());

        ManagementApiException error = catchThrowableOfType(ManagementApiException.class,
                () -> management.users().create(CreateUserRequestContent.builder()
                        .connection("Username-Password-Authentication")
                        .email("alice.example@example.com").password("Another-Horse-10")
                        .build()));

        assertThat(error.statusCode()).isEqualTo(409);
        assertThat(error.body().toString()).contains("The user already exists.");
        assertThat(management.users().listUsersByEmail(
                com.auth0.client.mgmt.types.ListUsersByEmailRequestParameters.builder()
                        .email("ALICE.EXAMPLE@EXAMPLE.COM").build())).hasSize(1);
    }

    @Test
    void sdkWhenListingUsersThenPagesParse() {
        var page = management.users().list();

        assertThat(page.getItems()).isNotNull();
    }

    @Test
    void sdkWhenDrivingGuardianThenFactorsPolicyAndTicketWork() {
        var factor = management.guardian().factors().set(
                com.auth0.client.mgmt.types.GuardianFactorNameEnum.EMAIL,
                com.auth0.client.mgmt.guardian.types.SetGuardianFactorRequestContent.builder()
                        .enabled(false).build());
        var policies = management.guardian().policies().set(
                List.of(com.auth0.client.mgmt.types.MfaPolicyEnum.ALL_APPLICATIONS));
        var factors = management.guardian().factors().list();
        CreateUserResponseContent user = management.users().create(
                CreateUserRequestContent.builder()
                        .connection("Username-Password-Authentication")
                        .email("ticket.user@example.com").password("Correct-Horse-9").build());
        var ticket = management.guardian().enrollments().createTicket(
                com.auth0.client.mgmt.guardian.types.CreateGuardianEnrollmentTicketRequestContent
                        .builder().userId(user.getUserId().orElseThrow()).build());
        var methods = management.users().authenticationMethods()
                .list(user.getUserId().orElseThrow());

        assertThat(factor.getEnabled()).isFalse();
        assertThat(policies).containsExactly(
                com.auth0.client.mgmt.types.MfaPolicyEnum.ALL_APPLICATIONS);
        assertThat(factors).anySatisfy(item -> {
            assertThat(item.getName().map(Object::toString)).contains("email");
            assertThat(item.getEnabled()).isFalse();
        });
        assertThat(ticket.getTicketUrl().orElseThrow()).startsWith(server.issuer());
        assertThat(methods.getItems()).isEmpty();
        management.guardian().policies().set(List.of());
        management.guardian().factors().set(
                com.auth0.client.mgmt.types.GuardianFactorNameEnum.EMAIL,
                com.auth0.client.mgmt.guardian.types.SetGuardianFactorRequestContent.builder()
                        .enabled(true).build());
    }

    @Test
    void sdkWhenListingClientsThenBootstrapClientIsThere() {
        var clients = management.clients().list();

        assertThat(clients.getItems()).anySatisfy(client ->
                assertThat(client.getClientId()).contains(MGMT_ID));
    }
}
