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
import dev.twofold.management.ManagementTokens;
import dev.twofold.mfa.MfaApi;
import dev.twofold.store.User;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

    @Test
    void loginWhenPasswordChangedByManagementApiThenDeviceTokenRefusedAndUnlisted()
            throws Exception {
        String email = api.newUser("device-password");
        String deviceToken = rememberedDevice(email);
        server.clock().freezeAt(server.clock().instant().plus(Duration.ofSeconds(5)));

        Http.Answer patched = api.http().raw("PATCH", "/api/v2/users/"
                        + URLEncoder.encode(userId(email), StandardCharsets.UTF_8),
                "application/json", "{\"password\":\"Another-Horse-10\"}",
                "Authorization", "Bearer " + ManagementTokens.all(server));

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        Http.Answer login = api.login(email, Map.of("password", "Another-Horse-10",
                "device_token", deviceToken));
        assertThat(login.status()).as(login.body()).isEqualTo(403);
        assertThat(login.text("error")).isEqualTo("mfa_required");
        assertThat(new RememberedDeviceStore(server.server().services()).list(userId(email)))
                .isEmpty();
    }

    @Test
    void loginWhenFactorDeletedThenDeviceTokenRefusedAndUnlisted() throws Exception {
        String email = api.newUser("device-delete");
        String deviceToken = rememberedDevice(email);
        String remover = removerToken(email, "dt_" + "B".repeat(43));
        String otpId = api.authenticators(remover).json().findValues("id").stream()
                .map(node -> node.asText()).filter(id -> id.startsWith("totp|")).findFirst()
                .orElseThrow();

        Http.Answer deleted = api.http().delete("/mfa/authenticators/"
                + URLEncoder.encode(otpId, StandardCharsets.UTF_8), remover);

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        Http.Answer login = api.login(email, Map.of("device_token", deviceToken));
        assertThat(login.status()).as(login.body()).isEqualTo(403);
        assertThat(login.text("error")).isEqualTo("mfa_required");
        assertThat(new RememberedDeviceStore(server.server().services()).list(userId(email)))
                .isEmpty();
    }

    @Test
    void loginWhenDeviceTokenOfClientC1SentByAnotherClientThenMfaRequired() throws Exception {
        server.fixtures().confidentialClient("c2-device", "s2-secret", "client_secret_post");
        String email = api.newUser("device-client");
        String deviceToken = rememberedDevice(email);

        Http.Answer other = api.login(email, Map.of("client_id", "c2-device",
                "client_secret", "s2-secret", "device_token", deviceToken));
        Http.Answer own = api.login(email, Map.of("device_token", deviceToken));

        assertThat(other.status()).as(other.body()).isEqualTo(403);
        assertThat(other.text("error")).isEqualTo("mfa_required");
        assertThat(own.status()).as(own.body()).isEqualTo(200);
    }

    @Test
    void loginWhenDeviceTokenOlderThanRememberDaysThenMfaRequired() throws Exception {
        String email = api.newUser("device-expiry");
        String deviceToken = rememberedDevice(email);
        java.time.Instant remembered = server.clock().instant();

        server.clock().freezeAt(remembered.plus(Duration.ofDays(30)).minusSeconds(60));
        Http.Answer before = api.login(email, Map.of("device_token", deviceToken));
        server.clock().freezeAt(remembered.plus(Duration.ofDays(30)).plusSeconds(1));
        Http.Answer after = api.login(email, Map.of("device_token", deviceToken));

        assertThat(before.status()).as(before.body()).isEqualTo(200);
        assertThat(after.status()).as(after.body()).isEqualTo(403);
        assertThat(after.text("error")).isEqualTo("mfa_required");
    }

    @Test
    void oobAndRecoveryCodeGrantsWhenRememberDeviceThenDeviceTokenSkipsMfa() throws Exception {
        String email = api.newUser("device-oob");
        String phone = String.format("+155555501%02d", System.nanoTime() % 100);
        String recoveryCode = api.enrollSms(email, phone).get("recovery_codes").get(0)
                .asText();
        String smsId = api.authenticators(api.mfaToken(email)).json().findValues("id")
                .stream().map(node -> node.asText()).filter(id -> id.startsWith("sms|"))
                .findFirst().orElseThrow();
        String oobToken = api.mfaToken(email);
        String oobCode = api.challenge(oobToken, "oob", smsId).text("oob_code");

        Http.Answer oob = mfaGrantRemembering(Map.of("grant_type",
                dev.twofold.testing.Fixtures.MFA_OOB, "mfa_token", oobToken,
                "oob_code", oobCode, "binding_code", api.lastCode(phone)));
        Http.Answer recovery = mfaGrantRemembering(Map.of("grant_type",
                dev.twofold.testing.Fixtures.MFA_RECOVERY, "mfa_token", api.mfaToken(email),
                "recovery_code", recoveryCode));

        for (Http.Answer answer : new Http.Answer[] {oob, recovery}) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.text("device_token")).startsWith("dt_");
            assertThat(api.login(email, Map.of("device_token", answer.text("device_token")))
                    .status()).isEqualTo(200);
        }
    }

    private static Http.Answer mfaGrantRemembering(Map<String, String> fields) {
        Map<String, String> form = new java.util.LinkedHashMap<>(fields);
        form.putAll(Map.of("client_id", "c1", "client_secret", "s1-secret",
                "remember_device", "true"));
        return api.http().postForm("/oauth/token", form);
    }

    private static String userId(String email) {
        return server.server().services().users()
                .findByEmail(User.DEFAULT_CONNECTION, email).orElseThrow().userId();
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
