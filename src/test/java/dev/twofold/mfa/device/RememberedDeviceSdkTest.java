package dev.twofold.mfa.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.auth0.client.auth.AuthAPI;
import com.auth0.exception.APIException;
import com.auth0.exception.Auth0Exception;
import com.auth0.json.auth.TokenHolder;
import com.auth0.net.BaseRequest;
import com.auth0.net.Request;
import com.auth0.net.client.Auth0HttpClient;
import com.auth0.net.client.DefaultHttpClient;
import com.auth0.net.client.HttpMethod;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.AuthenticatorKind;
import dev.twofold.mfa.AuthenticatorStore;
import dev.twofold.mfa.MfaApi;
import dev.twofold.store.User;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Remembered devices through the Auth0 Java SDK (com.auth0:auth0 3.0.0): an MFA grant with
 * {@code remember_device=true} answers a {@code device_token}; the SDK's password and
 * password-realm logins send it with {@code addParameter} and skip {@code mfa_required}.
 */
class RememberedDeviceSdkTest {

    private static TestServer server;
    private static MfaApi api;
    private static AuthAPI auth;
    private static Auth0HttpClient http;
    private static String base;
    private static final Map<String, String> SECRETS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
        base = server.issuer().substring(0, server.issuer().length() - 1);
        http = DefaultHttpClient.newBuilder().withMaxRetries(0).build();
        auth = AuthAPI.newBuilder(base, "c1", "s1-secret").withHttpClient(http).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void unfreeze() {
        server.clock().unfreeze();
    }

    private static <T> T body(Request<T> request) throws Auth0Exception {
        return request.addHeader("Connection", "close").execute().getBody();
    }

    private static APIException refused(Request<?> request) {
        return catchThrowableOfType(APIException.class,
                () -> request.addHeader("Connection", "close").execute());
    }

    private static String mfaToken(String email) {
        APIException error = refused(auth.login(email, MfaApi.PASSWORD.toCharArray()));
        assertThat(error.isMultifactorRequired()).isTrue();
        return (String) error.getValue("mfa_token");
    }

    /** The SDK's transport, asked for the raw JSON (TokenHolder has no device_token). */
    private static Map<String, Object> otpRemembering(String mfaToken, String otp)
            throws Auth0Exception {
        BaseRequest<Map<String, Object>> request = new BaseRequest<>(http, null,
                base + "/oauth/token", HttpMethod.POST, new TypeReference<>() {
                });
        request.addParameter("grant_type", "http://auth0.com/oauth/grant-type/mfa-otp")
                .addParameter("client_id", "c1").addParameter("client_secret", "s1-secret")
                .addParameter("mfa_token", mfaToken).addParameter("otp", otp)
                .addParameter("remember_device", true);
        return body(request);
    }

    /** A user with TOTP who passed it once with remember_device; returns the device_token. */
    private static String rememberedDevice(String email) throws Exception {
        api.freezeMidStep();
        String secret = api.enrollOtp(email);
        SECRETS.put(email, secret);
        server.clock().freezeAt(server.clock().instant().plus(Duration.ofSeconds(30)));
        Map<String, Object> answer = otpRemembering(mfaToken(email),
                MfaApi.totp(secret, server.clock().instant()));
        assertThat(answer.get("access_token")).isNotNull();
        return (String) answer.get("device_token");
    }

    @Test
    void loginWhenDeviceTokenSentThenTokensWithoutMfaRequired() throws Exception {
        String email = api.newUser("device");
        String deviceToken = rememberedDevice(email);

        TokenHolder password = body(auth.login(email, MfaApi.PASSWORD.toCharArray())
                .addParameter("device_token", deviceToken));
        TokenHolder realm = body(auth.login(email, MfaApi.PASSWORD.toCharArray(),
                User.DEFAULT_CONNECTION).addParameter("device_token", deviceToken));

        assertThat(deviceToken).startsWith("dt_").hasSizeGreaterThanOrEqualTo(46);
        assertThat(password.getAccessToken()).isNotBlank();
        assertThat(realm.getAccessToken()).isNotBlank();
    }

    @Test
    void loginWhenDeviceTokenButAcrValuesAskMfaThenMfaRequired() throws Exception {
        String email = api.newUser("device-acr");
        String deviceToken = rememberedDevice(email);

        APIException error = refused(auth.login(email, MfaApi.PASSWORD.toCharArray())
                .addParameter("device_token", deviceToken)
                .addParameter("acr_values", MfaApi.ACR_MFA));

        assertThat(error.isMultifactorRequired()).isTrue();
    }

    @Test
    void loginWhenDeviceTokenOfAnotherUserOrUnknownThenMfaRequired() throws Exception {
        String owner = api.newUser("device-owner");
        String other = api.newUser("device-other");
        String deviceToken = rememberedDevice(owner);
        api.enrollOtp(other);

        APIException foreign = refused(auth.login(other, MfaApi.PASSWORD.toCharArray())
                .addParameter("device_token", deviceToken));
        APIException unknown = refused(auth.login(owner, MfaApi.PASSWORD.toCharArray())
                .addParameter("device_token", "dt_" + "A".repeat(43)));

        assertThat(foreign.isMultifactorRequired()).isTrue();
        assertThat(unknown.isMultifactorRequired()).isTrue();
    }

    @Test
    void loginWhenFactorAddedAfterRememberingThenMfaRequired() throws Exception {
        String email = api.newUser("device-factor");
        String deviceToken = rememberedDevice(email);
        addTotpFactor(email);

        APIException error = refused(auth.login(email, MfaApi.PASSWORD.toCharArray())
                .addParameter("device_token", deviceToken));

        assertThat(error.isMultifactorRequired()).isTrue();
    }

    @Test
    void devicesWhenListedAndDeletedByTheUserThenDeviceTokenNoLongerSkipsMfa()
            throws Exception {
        String email = api.newUser("device-forget");
        String deviceToken = rememberedDevice(email);
        String listToken = mfaToken(email);

        Http.Answer listed = api.http().get("/mfa/remembered-devices", listToken);
        String id = listed.json().get(0).get("id").asText();
        Http.Answer byMfaToken = api.http().delete("/mfa/remembered-devices/" + id, listToken);
        Http.Answer deleted = api.http().delete("/mfa/remembered-devices/" + id,
                removerToken(email, deviceToken));

        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json()).hasSize(1);
        assertThat(listed.json().get(0).get("type").asText()).isEqualTo("remembered-device");
        assertThat(listed.json().get(0).get("client_id").asText()).isEqualTo("c1");
        assertThat(listed.body()).doesNotContain(deviceToken);
        assertThat(byMfaToken.status()).isEqualTo(403);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(refused(auth.login(email, MfaApi.PASSWORD.toCharArray())
                .addParameter("device_token", deviceToken)).isMultifactorRequired()).isTrue();
    }

    /**
     * An MFA-API access token with remove:authenticators. The device_token does not skip MFA
     * for the MFA API audience, so this passes TOTP again.
     */
    private static String removerToken(String email, String deviceToken) throws Exception {
        APIException error = refused(auth.login(email, MfaApi.PASSWORD.toCharArray())
                .setAudience(server.issuer() + "mfa/")
                .setScope("read:authenticators remove:authenticators")
                .addParameter("device_token", deviceToken));
        assertThat(error.isMultifactorRequired()).isTrue();
        server.clock().freezeAt(server.clock().instant().plus(Duration.ofSeconds(30)));
        String secret = SECRETS.get(email);
        return body(auth.exchangeMfaOtp((String) error.getValue("mfa_token"),
                MfaApi.totp(secret, server.clock().instant()).toCharArray())).getAccessToken();
    }

    /** A second active TOTP authenticator, written to the store as an enrollment would. */
    private static void addTotpFactor(String email) {
        var services = server.server().services();
        String userId = services.users().findByEmail(User.DEFAULT_CONNECTION, email)
                .orElseThrow().userId();
        AuthenticatorStore store = new AuthenticatorStore(services.database());
        String id = AuthenticatorStore.newId(AuthenticatorKind.TOTP);
        services.database().inTransaction(handle -> {
            store.insertPending(handle, new Authenticator(id, userId, AuthenticatorKind.TOTP,
                    false, Optional.of(services.secretBox().seal(Authenticator.SECRET_PURPOSE,
                            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    services.clock().millis(), Optional.empty()));
            return store.activate(handle, id, services.clock().millis());
        });
    }
}
