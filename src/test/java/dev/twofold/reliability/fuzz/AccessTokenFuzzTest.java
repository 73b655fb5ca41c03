package dev.twofold.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.twofold.oauth.AccessTokenClaims;
import dev.twofold.oauth.AccessTokenVerifier;
import dev.twofold.server.ProtocolError;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The access-token verifier behind /userinfo, the MFA API and the Management API: any text,
 * and any mutation of a real token, is either refused with a ProtocolError or verifies to the
 * claims of the real token (base64url is lax about trailing bits); never another exception,
 * never forged claims.
 */
class AccessTokenFuzzTest {

    private static TestServer server;
    private static AccessTokenVerifier verifier;
    private static String realToken;
    private static String audience;
    private static String subject;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().alice();
        audience = server.server().services().mfaAudience();
        Http.Answer login = server.http().postForm("/oauth/token", Map.of("grant_type",
                "password", "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret", "audience", audience,
                "scope", "enroll"));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        realToken = login.text("access_token");
        verifier = new AccessTokenVerifier(server.server().services());
        subject = verifier.verify(realToken, audience).subject();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @FuzzTest(maxDuration = "10m")
    void verify(FuzzedDataProvider data) {
        String token = data.consumeBoolean() ? mutate(data) : data.consumeRemainingAsString();
        AccessTokenClaims claims;
        try {
            claims = verifier.verify(token, audience);
        } catch (ProtocolError refused) {
            assertThat(refused.status()).isBetween(400, 499);
            assertThat(refused.description()).doesNotContain(realToken);
            return;
        }
        assertThat(claims.subject()).isEqualTo(subject);
        assertThat(claims.audience()).contains(audience);
    }

    /** The real token with a slice replaced, removed or repeated. */
    private static String mutate(FuzzedDataProvider data) {
        int at = data.consumeInt(0, realToken.length());
        int length = data.consumeInt(0, Math.min(40, realToken.length() - at));
        String replacement = data.consumeString(40);
        String mutated = realToken.substring(0, at) + replacement
                + realToken.substring(at + length);
        return data.consumeBoolean() ? mutated : mutated + data.consumeRemainingAsString();
    }
}
