package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.io.BaseEncoding;
import dev.twofold.crypto.Randoms;
import dev.twofold.mfa.Authenticator;
import dev.twofold.mfa.AuthenticatorKind;
import dev.twofold.mfa.AuthenticatorStore;
import dev.twofold.mfa.MfaApi;
import dev.twofold.server.Services;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BUG-15: base32 secrets unpadded upper case; codes compared as zero-padded strings. */
class Bug15SecretAndLeadingZerosTest {

    private static final String RFC_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void unfreeze() {
        server.clock().unfreeze();
    }

    @Test
    void associateWhenOtpThenSecretIsUnpaddedUpperBase32AndLowerCaseCodeConfirms() {
        api.freezeMidStep();
        String email = api.newUser("w");
        String mfaToken = api.mfaToken(email);

        Http.Answer answer = api.associateOtp(mfaToken);

        String secret = answer.text("secret");
        assertThat(secret).matches("^[A-Z2-7]+$");
        assertThat(BaseEncoding.base32().decode(secret).length).isGreaterThanOrEqualTo(20);
        assertThat(URI.create(answer.text("barcode_uri")).getRawQuery())
                .startsWith("secret=" + secret + "&");
        byte[] lowerDecoded = BaseEncoding.base32().lowerCase()
                .decode(secret.toLowerCase(Locale.ROOT));
        String code = MfaApi.totpForKey(lowerDecoded,
                server.clock().instant().getEpochSecond() / 30);
        assertThat(api.otpGrant(mfaToken, code).status()).isEqualTo(200);
    }

    @Test
    void otpWhenLeadingZeroDroppedThenRefusedAndZeroPaddedThenAccepted() {
        String email = api.newUser("z");
        String userId = server.server().services().users().findAllByEmail(email).get(0)
                .userId();
        insertActiveTotp(userId, RFC_KEY);

        server.clock().freezeAt(Instant.ofEpochSecond(1111111109));
        Http.Answer dropped = api.otpGrant(api.mfaToken(email), "81804");
        Http.Answer padded = api.otpGrant(api.mfaToken(email), "081804");
        server.clock().freezeAt(Instant.ofEpochSecond(1234567890));
        Http.Answer secondVector = api.otpGrant(api.mfaToken(email), "005924");

        assertThat(dropped.status()).isEqualTo(400);
        assertThat(dropped.text("error")).isEqualTo("invalid_grant");
        assertThat(padded.status()).as(padded.body()).isEqualTo(200);
        assertThat(secondVector.status()).as(secondVector.body()).isEqualTo(200);
    }

    /** The seam for a fixed key: an active TOTP authenticator written into the store. */
    private static void insertActiveTotp(String userId, String base32Key) {
        Services services = server.server().services();
        AuthenticatorStore store = new AuthenticatorStore(services.database());
        Authenticator authenticator = new Authenticator("totp|" + Randoms.id("dev_"), userId,
                AuthenticatorKind.TOTP, true,
                Optional.of(services.secretBox().seal(Authenticator.SECRET_PURPOSE, base32Key)),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), services.clock().millis(), Optional.empty());
        services.database().inTransaction(handle -> {
            store.insertPending(handle, authenticator);
            return null;
        });
    }
}
