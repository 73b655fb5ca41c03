package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.crypto.Randoms;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.NodeProcess;
import dev.twofold.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Issue 6: three Twofold processes ({@code start-dev} in JVMs of their own, on loopback
 * ports) sharing one fresh PostgreSQL schema and nothing else, set up as an operator would:
 * the bootstrap management client of the shared settings creates the application client, the
 * users and the MFA policy through the Management API. Every request of a flow goes to
 * another process than the one before. Replayed TOTP and SMS codes, spent {@code mfa_token}s
 * and recovery codes, failure counts and lock-outs, send limits and refresh-token reuse hold
 * across the processes, and a signing key rotated with {@code twofold keys rotate} on one
 * node's settings is published, used and verified by all. PostgreSQL only (an embedded H2
 * database belongs to one process); each node's output is in {@code target/node-logs/}.
 */
class ManyProcessesTest {

    private static final int NODES = 3;
    /** TWOFOLD_MFA_MAX_FAILURES is left unset: its documented default. */
    private static final int MAX_FAILURES = 10;
    private static final int SMS_PER_USER = 3;
    private static final String ISSUER = "http://twofold-cluster.test/";
    private static final Duration START = Duration.ofSeconds(90);
    private static final AtomicInteger PHONES = new AtomicInteger();

    private static final List<NodeProcess> nodes = new ArrayList<>();
    private static String schema;
    private static String clientId;
    private static String clientSecret;
    private static String managementToken;
    /** Round robin over the processes: each request goes to the next one. */
    private static MfaClient mfa;

    @RegisterExtension
    static final TestWatcher NODE_LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            printNodeLogs();
        }
    };

    @BeforeAll
    static void startThreeProcesses() {
        assumeTrue(TestServer.usesPostgres(), "several processes share only a PostgreSQL"
                + " database; run with -Dtwofold.test.db=postgres");
        schema = "procs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Map<String, String> shared = sharedSettings();
        try {
            for (int i = 0; i < NODES; i++) {
                // Each its own port and data folder: the database is all they share.
                nodes.add(NodeProcess.launch("many-processes-node-" + i, shared));
            }
            for (NodeProcess node : nodes) {
                node.awaitReady(START);
            }
            setUpAsAnOperator(shared.get("TWOFOLD_BOOTSTRAP_CLIENT_SECRET"));
        } catch (Throwable failure) {
            printNodeLogs();
            stopProcesses();
            throw failure;
        }
        mfa = new MfaClient(ManyProcessesTest::http, clientId, clientSecret);
    }

    /** What every node of a group gets alike (docs/several-nodes.md), plus test limits. */
    private static Map<String, String> sharedSettings() {
        Map<String, String> values = new HashMap<>();
        values.put("TWOFOLD_DB_URL", TestServer.POSTGRES_URL);
        values.put("TWOFOLD_DB_SCHEMA", schema);
        values.put("TWOFOLD_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(
                Randoms.bytes(32)));
        values.put("TWOFOLD_ISSUER", ISSUER);
        values.put("TWOFOLD_BOOTSTRAP_CLIENT_ID", "ops");
        values.put("TWOFOLD_BOOTSTRAP_CLIENT_SECRET", Randoms.urlSafe(24));
        values.put("TWOFOLD_DEMO_USER", "false");
        values.put("TWOFOLD_MANAGEMENT_PORT", "0");
        values.put("TWOFOLD_ARGON2_MEMORY_KIB", "1024");
        values.put("TWOFOLD_ARGON2_ITERATIONS", "1");
        values.put("TWOFOLD_PHONE_LIMIT_PER_USER", SMS_PER_USER + "/PT1H");
        // A rotated key reaches every node within a second instead of the default 15 s.
        values.put("TWOFOLD_SIGNING_KEY_CACHE_TTL", "PT1S");
        return values;
    }

    /** The application client and the MFA policy, created through node 0's Management API. */
    private static void setUpAsAnOperator(String bootstrapSecret) {
        Http node0 = nodes.get(0).http();
        Http.Answer token = node0.postForm("/oauth/token", Map.of("grant_type",
                "client_credentials", "client_id", "ops", "client_secret", bootstrapSecret,
                "audience", ISSUER + "api/v2/"));
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        managementToken = token.text("access_token");

        Http.Answer client = node0.postJson("/api/v2/clients", Map.of("name", "Many processes",
                "app_type", "regular_web", "token_endpoint_auth_method", "client_secret_post",
                "callbacks", List.of(Fixtures.REDIRECT_URI), "grant_types", List.of("password",
                        "refresh_token", Fixtures.MFA_OTP, Fixtures.MFA_OOB,
                        Fixtures.MFA_RECOVERY)), managementToken);
        assertThat(client.status()).as(client.body()).isEqualTo(201);
        clientId = client.text("client_id");
        clientSecret = client.text("client_secret");

        Http.Answer policy = node0.raw("PUT", "/api/v2/guardian/policies", "application/json",
                "[\"all-applications\"]", "Authorization", "Bearer " + managementToken);
        assertThat(policy.status()).as(policy.body()).isEqualTo(200);
    }

    @AfterAll
    static void stopProcesses() {
        nodes.forEach(NodeProcess::kill);
        nodes.clear();
        if (schema != null) {
            dropSchema(schema);
        }
    }

    private static void printNodeLogs() {
        for (NodeProcess node : nodes) {
            System.out.println("---- last lines of " + node.log() + " ----\n" + node.tail(60));
        }
    }

    /** The process {@code index} modulo three. */
    private static Http http(int index) {
        return nodes.get(Math.floorMod(index, NODES)).http();
    }

    /** An MFA client whose every request goes to process {@code index}. */
    private static MfaClient on(int index) {
        return new MfaClient(ignored -> http(index), clientId, clientSecret);
    }

    /** A user created through the Management API of the next process. */
    private static String newUser(String prefix) {
        String email = prefix + "-" + UUID.randomUUID() + "@example.com";
        Http.Answer created = mfa.http().postJson("/api/v2/users", Map.of("connection",
                "Username-Password-Authentication", "email", email,
                "password", MfaClient.PASSWORD), managementToken);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return email;
    }

    private static String newPhone() {
        return "+1555558" + String.format("%04d", PHONES.getAndIncrement());
    }

    /**
     * The current TOTP step. With one step of drift either way, its code is accepted until the
     * next step ends and the next step's code until the one after, at least 30 and 60 s from
     * now: longer than any test here needs, so no test waits for a step to begin.
     */
    private static long currentStep() {
        return Instant.now().getEpochSecond() / 30;
    }

    private static String totp(String secret, long step) {
        return MfaClient.totpAtStep(MfaClient.base32(secret), step);
    }

    /** A user with a confirmed TOTP authenticator, enrolled with the code of {@code step}. */
    private record TotpUser(String email, String secret, String recoveryCode,
                            String refreshToken) {
    }

    private static TotpUser enrolledTotpUser(String prefix, long step) {
        String email = newUser(prefix);
        String mfaToken = mfa.mfaToken(email);
        Http.Answer associated = mfa.associateOtp(mfaToken);
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        String secret = associated.text("secret");
        Http.Answer confirmed = mfa.otpGrant(mfaToken, totp(secret, step));
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        return new TotpUser(email, secret, associated.json().path("recovery_codes").get(0)
                .asText(), confirmed.text("refresh_token"));
    }

    @Test
    void totpWhenEachRequestGoesToAnotherProcessThenEnrollsLogsInAndSpendsCodesEverywhere() {
        long step = currentStep();
        String email = newUser("procs-otp");

        // No acr_values: the MFA policy set through process 0's Management API asks for MFA.
        Http.Answer login = http(0).postForm("/oauth/token", Map.of("grant_type", "password",
                "username", email, "password", MfaClient.PASSWORD, "client_id", clientId,
                "client_secret", clientSecret, "scope", "openid offline_access"));
        String mfaToken = login.text("mfa_token");
        Http.Answer associated = on(1).associateOtp(mfaToken);
        String secret = associated.text("secret");
        Http.Answer confirmed = on(2).otpGrant(mfaToken, totp(secret, step));
        Http.Answer replayed = on(1).otpGrant(on(0).mfaToken(email), totp(secret, step));
        Http.Answer spentToken = on(0).otpGrant(mfaToken, totp(secret, step + 1));
        String second = on(1).mfaToken(email);
        Http.Answer challenged = on(2).challenge(second, "otp", null);
        Http.Answer next = on(0).otpGrant(second, totp(secret, step + 1));
        Http.Answer nextReplayed = on(2).otpGrant(on(1).mfaToken(email), totp(secret, step + 1));

        assertThat(login.status()).as(login.body()).isEqualTo(403);
        assertThat(login.text("error")).isEqualTo("mfa_required");
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        assertThat(associated.text("authenticator_type")).isEqualTo("otp");
        assertThat(associated.text("barcode_uri")).startsWith("otpauth://totp/");
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        assertThat(confirmed.text("token_type")).isEqualTo("Bearer");
        assertInvalidGrant(replayed, "TOTP code replayed on another process");
        assertInvalidGrant(spentToken, "spent mfa_token on another process");
        assertThat(challenged.status()).as(challenged.body()).isEqualTo(200);
        assertThat(challenged.text("challenge_type")).isEqualTo("otp");
        assertThat(next.status()).as("the unused code the spent mfa_token carried: "
                + next.body()).isEqualTo(200);
        assertInvalidGrant(nextReplayed, "second code replayed on a third process");
    }

    private static void assertInvalidGrant(Http.Answer answer, String what) {
        assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(400);
        assertThat(answer.text("error")).as(what).isEqualTo("invalid_grant");
    }

    @Test
    void smsWhenEnrollmentChallengeAndCodeGoToDifferentProcessesThenWorksAndCodeIsSpentOnce() {
        String email = newUser("procs-sms");
        String phone = newPhone();

        String mfaToken = on(0).mfaToken(email);
        Http.Answer associated = on(1).associateSms(mfaToken, phone);
        Http.Answer confirmed = on(0).oobGrant(mfaToken, associated.text("oob_code"),
                on(2).lastCode(phone));
        String loginToken = on(1).mfaToken(email);
        Http.Answer challenge = on(2).challenge(loginToken, "oob", null);
        String binding = on(0).lastCode(phone);
        Http.Answer granted = on(1).oobGrant(loginToken, challenge.text("oob_code"), binding);
        Http.Answer replayed = on(2).oobGrant(loginToken, challenge.text("oob_code"), binding);
        Http.Answer otherToken = on(0).oobGrant(on(2).mfaToken(email),
                challenge.text("oob_code"), binding);

        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        assertThat(associated.text("oob_channel")).isEqualTo("sms");
        assertThat(associated.text("binding_method")).isEqualTo("prompt");
        assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
        assertThat(challenge.text("challenge_type")).isEqualTo("oob");
        assertThat(granted.status()).as(granted.body()).isEqualTo(200);
        assertInvalidGrant(replayed, "SMS code replayed on another process");
        assertInvalidGrant(otherToken, "SMS code with another mfa_token on a third process");
    }

    @Test
    void recoveryCodeWhenUsedOnOneProcessThenRefusedOnAnotherAndItsSuccessorWorksOnAThird() {
        TotpUser user = enrolledTotpUser("procs-recovery", currentStep());

        Http.Answer used = on(0).recoveryGrant(on(1).mfaToken(user.email()),
                user.recoveryCode());
        Http.Answer again = on(1).recoveryGrant(on(2).mfaToken(user.email()),
                user.recoveryCode());
        Http.Answer successor = on(2).recoveryGrant(on(0).mfaToken(user.email()),
                used.text("recovery_code"));

        assertThat(used.status()).as(used.body()).isEqualTo(200);
        assertThat(used.text("recovery_code")).isNotBlank().isNotEqualTo(user.recoveryCode());
        assertInvalidGrant(again, "spent recovery code on another process");
        assertThat(successor.status()).as(successor.body()).isEqualTo(200);
    }

    @Test
    void authenticatorsWhenListedOnOneProcessAndDeletedOnAnotherThenGoneOnTheThird() {
        long step = currentStep();
        TotpUser user = enrolledTotpUser("procs-delete", step);
        String mfaToken = on(0).login(user.email(), Map.of("audience", ISSUER + "mfa/",
                "scope", "read:authenticators remove:authenticators")).text("mfa_token");

        Http.Answer listed = on(1).authenticators(mfaToken);
        Http.Answer passed = on(2).otpGrant(mfaToken, totp(user.secret(), step + 1));
        String accessToken = passed.text("access_token");
        String totpId = idOf(listed.json(), "otp");
        Http.Answer deleted = http(0).delete("/mfa/authenticators/"
                + totpId.replace("|", "%7C"), accessToken);
        Http.Answer after = on(1).authenticators(accessToken);
        Http.Answer login = on(2).login(user.email());

        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(types(listed.json())).containsExactlyInAnyOrder("otp", "recovery-code");
        assertThat(passed.status()).as(passed.body()).isEqualTo(200);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(after.status()).as(after.body()).isEqualTo(200);
        assertThat(types(after.json())).isEmpty();
        assertThat(login.text("error")).isEqualTo("mfa_required");
        assertThat(login.json().path("mfa_requirements").has("enroll"))
                .as("no factor left to challenge: " + login.body()).isTrue();
    }

    private static List<String> types(JsonNode list) {
        List<String> types = new ArrayList<>();
        list.forEach(item -> types.add(item.path("authenticator_type").asText()));
        return types;
    }

    private static String idOf(JsonNode list, String type) {
        for (JsonNode item : list) {
            if (type.equals(item.path("authenticator_type").asText())) {
                return item.path("id").asText();
            }
        }
        throw new AssertionError("No " + type + " authenticator in " + list);
    }

    @Test
    void failuresWhenSpreadOverProcessesThenLockAtExactlyTheLimitWithRetryAfterOnEveryProcess() {
        long step = currentStep();
        TotpUser user = enrolledTotpUser("procs-lock", step);
        String wrong = MfaClient.wrongCode(user.secret(), Instant.now(), 0);
        List<Integer> failures = new ArrayList<>();

        for (int i = 0; i < MAX_FAILURES - 1; i++) {
            failures.add(mfa.otpGrant(mfa.mfaToken(user.email()), wrong).status());
        }
        Http.Answer beforeLimit = mfa.challenge(mfa.mfaToken(user.email()), "otp", null);
        Http.Answer last = mfa.otpGrant(mfa.mfaToken(user.email()), wrong);
        List<Http.Answer> locked = new ArrayList<>();
        for (int node = 0; node < NODES; node++) {
            locked.add(on(node).otpGrant(on(node + 1).mfaToken(user.email()),
                    totp(user.secret(), step + 1)));
        }

        assertThat(failures).as("the first nine failures").containsOnly(400);
        assertThat(beforeLimit.status()).as("not locked after nine: " + beforeLimit.body())
                .isEqualTo(200);
        assertInvalidGrant(last, "the tenth failure is still checked");
        for (int node = 0; node < NODES; node++) {
            Http.Answer answer = locked.get(node);
            assertThat(answer.status()).as("right code on process " + node + ": "
                    + answer.body()).isEqualTo(429);
            assertThat(answer.text("error")).isEqualTo("too_many_attempts");
            assertThat(Long.parseLong(answer.header("Retry-After")))
                    .as("Retry-After on process " + node).isBetween(1L, 15 * 60L);
        }
    }

    @Test
    void sendLimitWhenChallengesSpreadOverProcessesThenReachedTogetherOnEveryProcess() {
        String email = newUser("procs-send");
        String phone = newPhone();
        mfa.enrollSms(email, phone);
        List<Integer> allowed = new ArrayList<>();

        // The enrollment sent the first of the user's messages.
        for (int i = 1; i < SMS_PER_USER; i++) {
            allowed.add(mfa.challenge(mfa.mfaToken(email), "oob", null).status());
        }
        List<Http.Answer> refused = new ArrayList<>();
        for (int node = 0; node < NODES; node++) {
            refused.add(on(node).challenge(on(node + 1).mfaToken(email), "oob", null));
        }

        assertThat(allowed).containsOnly(200);
        for (int node = 0; node < NODES; node++) {
            Http.Answer answer = refused.get(node);
            assertThat(answer.status()).as("process " + node + ": " + answer.body())
                    .isEqualTo(429);
            assertThat(answer.text("error")).isEqualTo("too_many_requests");
            assertThat(Long.parseLong(answer.header("Retry-After")))
                    .as("Retry-After on process " + node).isBetween(1L, 3600L);
        }
    }

    @Test
    void refreshTokenWhenRotatedOnOneProcessThenReuseOnAnotherRevokesTheFamilyOnTheThird() {
        TotpUser user = enrolledTotpUser("procs-refresh", currentStep());

        Http.Answer rotated = refresh(1, user.refreshToken());
        Http.Answer reused = refresh(2, user.refreshToken());
        Http.Answer successor = refresh(0, rotated.text("refresh_token"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.text("refresh_token")).isNotEqualTo(user.refreshToken());
        assertInvalidGrant(reused, "reused refresh token on another process");
        assertInvalidGrant(successor, "the reused token's successor after the family's revocation");
    }

    private static Http.Answer refresh(int node, String refreshToken) {
        return http(node).postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", clientId,
                "client_secret", clientSecret));
    }

    @Test
    void signingKeyWhenRotatedOnOneProcessThenEveryProcessPublishesSignsWithAndAcceptsIt()
            throws Exception {
        TotpUser user = enrolledTotpUser("procs-keys", currentStep());
        Http.Answer before = refresh(0, user.refreshToken());
        Set<String> keysBefore = keyIds(http(0));

        NodeProcess.Completed rotation = NodeProcess.run(nodes.get(0).environment(),
                Duration.ofSeconds(60), "keys", "rotate");
        String newKey = awaitNewKeyOnEveryProcess(keysBefore);
        List<String> tokens = new ArrayList<>();
        String refreshToken = before.text("refresh_token");
        for (int node = 0; node < NODES; node++) {
            Http.Answer refreshed = refresh(node, refreshToken);
            assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
            refreshToken = refreshed.text("refresh_token");
            tokens.add(refreshed.text("access_token"));
            tokens.add(refreshed.text("id_token"));
        }

        assertThat(rotation.exitCode()).as(rotation.errors()).isZero();
        assertThat(rotation.output()).contains(newKey);
        for (String token : tokens) {
            assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo(newKey);
        }
        tokens.add(before.text("access_token"));
        for (int node = 0; node < NODES; node++) {
            JWKSet published = JWKSet.parse(http(node).get("/.well-known/jwks.json").body());
            for (String token : tokens) {
                assertVerifies(token, published, "JWKS of process " + node);
            }
        }
        for (int node = 0; node < NODES; node++) {
            Http.Answer userinfo = http(node + 1).get("/userinfo", tokens.get(2 * node));
            assertThat(userinfo.status()).as("process " + (node + 1) % NODES + " accepts a"
                    + " token of process " + node + ": " + userinfo.body()).isEqualTo(200);
        }
    }

    private static Set<String> keyIds(Http node) throws Exception {
        Set<String> ids = new HashSet<>();
        for (JWK key : JWKSet.parse(node.get("/.well-known/jwks.json").body()).getKeys()) {
            ids.add(key.getKeyID());
        }
        return ids;
    }

    /** The one key id that every process publishes and none did before, once all do. */
    private static String awaitNewKeyOnEveryProcess(Set<String> before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Set<Set<String>> added = new HashSet<>();
            for (int node = 0; node < NODES; node++) {
                Set<String> published = keyIds(http(node));
                published.removeAll(before);
                added.add(published);
            }
            Set<String> first = added.iterator().next();
            if (added.size() == 1 && first.size() == 1) {
                return first.iterator().next();
            }
            assertThat(System.nanoTime()).as("every process publishes one new key: " + added)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** RFC 7515 signature check with Nimbus against a published JWKS, and the issuer. */
    private static void assertVerifies(String token, JWKSet published, String where)
            throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        JWK key = published.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("key " + jwt.getHeader().getKeyID() + " in the " + where)
                .isNotNull();
        JWSVerifier verifier = key instanceof ECKey ec ? new ECDSAVerifier(ec)
                : new RSASSAVerifier(key.toRSAKey());
        assertThat(jwt.verify(verifier)).as("signature against the " + where).isTrue();
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(ISSUER);
        assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isInTheFuture();
    }

    private static void dropSchema(String name) {
        try (Connection connection = DriverManager.getConnection(TestServer.POSTGRES_URL);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } catch (Exception leftBehind) {
            // A schema left behind only costs disk space in the test database.
        }
    }
}
