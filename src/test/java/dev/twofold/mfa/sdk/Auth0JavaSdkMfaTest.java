package dev.twofold.mfa.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.auth0.client.auth.AuthAPI;
import com.auth0.exception.APIException;
import com.auth0.exception.Auth0Exception;
import com.auth0.json.auth.CreatedOobResponse;
import com.auth0.json.auth.CreatedOtpResponse;
import com.auth0.json.auth.MfaAuthenticator;
import com.auth0.json.auth.MfaChallengeResponse;
import com.auth0.json.auth.TokenHolder;
import com.auth0.net.Request;
import com.auth0.net.Response;
import com.auth0.net.client.DefaultHttpClient;
import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official Auth0 Java SDK (com.auth0:auth0 3.0.0) driving the MFA API unchanged. */
class Auth0JavaSdkMfaTest {

    private static TestServer server;
    private static MfaApi api;
    private static AuthAPI auth;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
        String base = server.issuer().substring(0, server.issuer().length() - 1);
        auth = AuthAPI.newBuilder(base, "c1", "s1-secret")
                .withHttpClient(DefaultHttpClient.newBuilder().withMaxRetries(0).build())
                .build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void unfreeze() {
        server.clock().unfreeze();
    }

    /** Sends a request on a fresh connection (keep-alive would delay the node's stop). */
    private static <T> Response<T> send(Request<T> request) throws Auth0Exception {
        return request.addHeader("Connection", "close").execute();
    }

    private static <T> T body(Request<T> request) throws Auth0Exception {
        return send(request).getBody();
    }

    private static String mfaRequired(String email) {
        APIException error = catchThrowableOfType(APIException.class,
                () -> send(auth.login(email, MfaApi.PASSWORD.toCharArray())));
        assertThat(error.isMultifactorRequired()).isTrue();
        assertThat(error.getStatusCode()).isEqualTo(403);
        return (String) error.getValue("mfa_token");
    }

    @Test
    void sdkWhenOtpEnrolledAndExchangedThenTokensAndRecoveryCodeWorks() throws Exception {
        api.freezeMidStep();
        String email = api.newUser("sdk-otp");
        String mfaToken = mfaRequired(email);

        CreatedOtpResponse otp = body(auth.addOtpAuthenticator(mfaToken));
        TokenHolder confirmed = body(auth.exchangeMfaOtp(mfaToken,
                MfaApi.totp(otp.getSecret(), server.clock().instant()).toCharArray()));

        assertThat(otp.getAuthenticatorType()).isEqualTo("otp");
        assertThat(otp.getBarcodeUri()).startsWith("otpauth://totp/");
        assertThat(otp.getRecoveryCodes()).hasSize(1);
        assertThat(confirmed.getAccessToken()).isNotBlank();

        TokenHolder recovered = body(auth.exchangeMfaRecoveryCode(mfaRequired(email),
                otp.getRecoveryCodes().get(0).toCharArray()));
        assertThat(recovered.getAccessToken()).isNotBlank();
    }

    @Test
    void sdkWhenSmsEnrolledThenChallengeListAndDeleteWork() throws Exception {
        String phone = "+15555550150";
        String email = api.newUser("sdk-sms");
        String mfaToken = mfaRequired(email);

        CreatedOobResponse oob = body(auth.addOobAuthenticator(mfaToken, List.of("sms"), phone,
                null));
        TokenHolder confirmed = body(auth.exchangeMfaOob(mfaToken,
                oob.getOobCode().toCharArray(), api.lastCode(phone).toCharArray()));

        assertThat(oob.getOobChannel()).isEqualTo("sms");
        assertThat(confirmed.getAccessToken()).isNotBlank();

        String login = mfaRequired(email);
        List<MfaAuthenticator> listed = body(auth.listAuthenticators(login));
        MfaAuthenticator sms = listed.stream().filter(a -> a.getId().startsWith("sms|"))
                .findFirst().orElseThrow();
        assertThat(sms.isActive()).isTrue();
        assertThat(sms.getOobChannel()).isEqualTo("sms");
        MfaChallengeResponse challenge = body(auth.mfaChallengeRequest(login, "oob",
                sms.getId()));
        assertThat(challenge.getChallengeType()).isEqualTo("oob");
        assertThat(challenge.getBindingMethod()).isEqualTo("prompt");

        TokenHolder managed = body(auth.exchangeMfaOob(login,
                challenge.getOobCode().toCharArray(), api.lastCode(phone).toCharArray()));
        assertThat(managed.getAccessToken()).isNotBlank();

        String removeToken = removeToken(email, phone);
        send(auth.deleteAuthenticator(removeToken, sms.getId()));
        assertThat(body(auth.listAuthenticators(removeToken)))
                .noneMatch(a -> a.getId().equals(sms.getId()));
    }

    /** An MFA-audience access token with remove:authenticators that passed SMS. */
    private static String removeToken(String email, String phone) throws Auth0Exception {
        APIException error = catchThrowableOfType(APIException.class, () -> send(
                auth.login(email, MfaApi.PASSWORD.toCharArray())
                        .setAudience(server.issuer() + "mfa/")
                        .setScope("read:authenticators remove:authenticators")));
        String mfaToken = (String) error.getValue("mfa_token");
        MfaChallengeResponse challenge = body(auth.mfaChallengeRequest(mfaToken, "oob", null));
        return body(auth.exchangeMfaOob(mfaToken, challenge.getOobCode().toCharArray(),
                api.lastCode(phone).toCharArray())).getAccessToken();
    }
}
