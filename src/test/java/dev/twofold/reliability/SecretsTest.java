package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.twofold.login.HostedLoginClient;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs every flow (TOTP, SMS, email, voice, recovery codes, remembered devices, the token and
 * management flows) with every logger at DEBUG, Jetty's, Hikari's and Javalin's included, and
 * collects every secret, code, password and token that was typed or issued; then neither the
 * captured log nor a dump of every table holds any of them in clear (6-digit codes: not as a
 * whole column value or JSON value, since such digit runs occur by chance elsewhere).
 */
class SecretsTest {

    /**
     * Every logger at DEBUG, including those ops.LogSetup pins at WARN (Jetty, Hikari, Javalin,
     * Flyway): an operator who raises them must not get secrets in the log either.
     */
    private static final String[] LOGGERS = {Logger.ROOT_LOGGER_NAME, "dev.twofold",
        "io.javalin", "org.jdbi", "com.zaxxer", "com.zaxxer.hikari", "org.flywaydb",
        "org.eclipse.jetty"};
    private static final ListAppender<ILoggingEvent> EVENTS = new ListAppender<>();
    private static final Map<String, Level> SAVED = new LinkedHashMap<>();
    private static final Set<String> SECRETS = new LinkedHashSet<>();
    private static TestServer server;

    @BeforeAll
    static void runEveryFlow() throws Exception {
        server = TestServer.start();
        server.fixtures().confidentialClient();
        server.fixtures().publicClient();
        server.fixtures().alice();
        SECRETS.add(Fixtures.ALICE_PASSWORD);
        SECRETS.add("s1-secret");
        EVENTS.start();
        for (String name : LOGGERS) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            SAVED.put(name, logger.getLevel());
            logger.setLevel(Level.DEBUG);
            if (name.equals(Logger.ROOT_LOGGER_NAME)) {
                logger.addAppender(EVENTS);
            }
        }
        try {
            tokenFlows();
            browserFlow();
            signupAndManagement();
            refusedFlows();
            mfaFlows();
            emailVoiceAndRememberedDeviceFlows();
        } finally {
            for (String name : LOGGERS) {
                Logger logger = (Logger) LoggerFactory.getLogger(name);
                if (name.equals(Logger.ROOT_LOGGER_NAME)) {
                    logger.detachAppender(EVENTS);
                }
                logger.setLevel(SAVED.get(name));
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http http() {
        return server.http();
    }

    private static Http.Answer collect(Http.Answer answer) {
        if (answer.body() != null && answer.body().startsWith("{")) {
            for (String field : List.of("access_token", "refresh_token", "id_token",
                    "mfa_token", "oob_code", "secret", "client_secret", "recovery_code",
                    "barcode_uri", "device_token")) {
                String value = answer.json().path(field).asText("");
                if (value.length() >= 6) {
                    SECRETS.add(value);
                }
            }
        }
        return answer;
    }

    private static void tokenFlows() {
        Http.Answer login = collect(http().postForm("/oauth/token", Map.of("grant_type",
                "password", "username", Fixtures.ALICE, "password", Fixtures.ALICE_PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret",
                "scope", "openid offline_access")));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        collect(http().postJson("/oauth/token", Map.of("grant_type", Fixtures.PASSWORD_REALM,
                "realm", "Username-Password-Authentication", "username", Fixtures.ALICE,
                "password", Fixtures.ALICE_PASSWORD, "client_id", "c1",
                "client_secret", "s1-secret")));
        Http.Answer refreshed = collect(http().postForm("/oauth/token", Map.of("grant_type",
                "refresh_token", "refresh_token", login.text("refresh_token"),
                "client_id", "c1", "client_secret", "s1-secret")));
        assertThat(refreshed.status()).isEqualTo(200);
        // A replayed refresh token (reuse detection logs a WARN).
        http().postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", login.text("refresh_token"), "client_id", "c1",
                "client_secret", "s1-secret"));
        collect(http().postForm("/oauth/token", Map.of("grant_type", "client_credentials",
                "client_id", "c1", "client_secret", "s1-secret",
                "audience", server.issuer() + "api/v2/")));
        http().get("/userinfo", login.text("access_token"));
        http().postForm("/oauth/introspect", Map.of("token", refreshed.text("access_token"),
                "client_id", "c1", "client_secret", "s1-secret"));
        http().postForm("/oauth/revoke", Map.of("token", refreshed.text("refresh_token"),
                "client_id", "c1", "client_secret", "s1-secret"));
    }

    private static void browserFlow() throws Exception {
        String verifier = "v-" + UUID.randomUUID() + "-" + UUID.randomUUID();
        SECRETS.add(verifier);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(
                        StandardCharsets.US_ASCII)));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", "spa");
        parameters.put("redirect_uri", Fixtures.REDIRECT_URI);
        parameters.put("scope", "openid offline_access");
        parameters.put("state", "st-1");
        parameters.put("code_challenge", challenge);
        parameters.put("code_challenge_method", "S256");
        HostedLoginClient browser = new HostedLoginClient(server.issuer());
        // A wrong password first, then the right one.
        Http.Answer start = browser.authorize(parameters);
        HostedLoginClient.LoginForm form = browser.openLogin(start.header("Location"));
        SECRETS.add(form.csrf());
        browser.submit(form, Fixtures.ALICE, "Wrong-Password-77");
        SECRETS.add("Wrong-Password-77");
        String location = browser.login(parameters, Fixtures.ALICE, Fixtures.ALICE_PASSWORD);
        String code = HostedLoginClient.query(location).get("code");
        assertThat(code).startsWith("ac_");
        SECRETS.add(code);
        browser.cookies().getCookieStore().getCookies().forEach(cookie -> {
            if (cookie.getValue().length() > 10) {
                SECRETS.add(cookie.getValue());
            }
        });
        collect(http().postForm("/oauth/token", Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", Fixtures.REDIRECT_URI, "client_id", "spa",
                "code_verifier", verifier)));
        // The code again: refused, and its family revoked.
        http().postForm("/oauth/token", Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", Fixtures.REDIRECT_URI, "client_id", "spa",
                "code_verifier", verifier));
    }

    private static void signupAndManagement() {
        String password = "Signup-Pass-" + UUID.randomUUID();
        SECRETS.add(password);
        http().postJson("/dbconnections/signup", Map.of("client_id", "spa",
                "email", "bob@example.com", "password", password,
                "connection", "Username-Password-Authentication"));
        String management = managementToken(server);
        SECRETS.add(management);
        String userPassword = "Managed-Pass-" + UUID.randomUUID();
        SECRETS.add(userPassword);
        http().postJson("/api/v2/users", Map.of("email", "carol@example.com",
                "password", userPassword, "connection", "Username-Password-Authentication"),
                management);
        Http.Answer client = collect(http().postJson("/api/v2/clients", Map.of("name",
                "Logged app", "app_type", "regular_web"), management));
        assertThat(client.status()).as(client.body()).isIn(200, 201);
    }

    static String managementToken(TestServer server) {
        long now = server.clock().millis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(server.issuer())
                .subject("mgmt@clients").audience(server.issuer() + "api/v2/")
                .issueTime(new Date(now)).expirationTime(new Date(now + 3_600_000))
                .jwtID(UUID.randomUUID().toString()).claim("client_id", "mgmt")
                .claim("scope", "read:users create:users read:clients create:clients"
                        + " update:users delete:users update:clients delete:clients")
                .build();
        return server.server().services().signingKeys().sign(JWSAlgorithm.RS256,
                new JOSEObjectType("at+jwt"), claims);
    }

    private static void refusedFlows() {
        http().postForm("/oauth/token", Map.of("grant_type", "password", "username",
                Fixtures.ALICE, "password", "Typed-Wrong-1", "client_id", "c1",
                "client_secret", "s1-secret"));
        SECRETS.add("Typed-Wrong-1");
        http().postForm("/oauth/token", Map.of("grant_type", "client_credentials",
                "client_id", "c1", "client_secret", "typed-wrong-secret"));
        SECRETS.add("typed-wrong-secret");
        http().postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", "rt_typed-unknown-refresh-token", "client_id", "c1",
                "client_secret", "s1-secret"));
        SECRETS.add("rt_typed-unknown-refresh-token");
    }

    private static final String PHONE = "+15555550199";

    private static void mfaFlows() {
        MfaClient mfa = new MfaClient(i -> server.http());
        Instant now = MfaClient.midStep(Instant.now());
        server.clock().freezeAt(now);
        try {
            String email = "mfa-secrets@example.com";
            server.fixtures().user(email, MfaClient.PASSWORD);
            String mfaToken = mfa.mfaToken(email);
            SECRETS.add(mfaToken);
            Http.Answer associated = collect(mfa.associateOtp(mfaToken));
            assertThat(associated.status()).as(associated.body()).isEqualTo(200);
            String secret = associated.text("secret");
            SECRETS.add(secret);
            String recovery = associated.json().path("recovery_codes").get(0).asText();
            SECRETS.add(recovery);
            String code = MfaClient.totp(secret, now);
            SECRETS.add(code);
            collect(mfa.otpGrant(mfaToken, code));
            // A wrong code and a replayed code are refused (and may be logged as refusals).
            Instant next = now.plusSeconds(30);
            server.clock().freezeAt(next);
            String nextCode = MfaClient.totp(secret, next);
            SECRETS.add(nextCode);
            String wrong = MfaClient.wrongCode(secret, next, 424242);
            SECRETS.add(wrong);
            String second = mfa.mfaToken(email);
            SECRETS.add(second);
            mfa.otpGrant(second, wrong);
            collect(mfa.otpGrant(second, nextCode));
            mfa.otpGrant(mfa.mfaToken(email), nextCode);
            // Step-up: add SMS with an MFA access token, then the oob and recovery grants.
            Instant third = next.plusSeconds(30);
            server.clock().freezeAt(third);
            Http.Answer stepUpLogin = http().postForm("/oauth/token", Map.of("grant_type",
                    "password", "username", email, "password", MfaClient.PASSWORD,
                    "client_id", "c1", "client_secret", "s1-secret",
                    "audience", server.server().services().mfaAudience(), "scope", "enroll"));
            SECRETS.add(stepUpLogin.text("mfa_token"));
            String thirdCode = MfaClient.totp(secret, third);
            SECRETS.add(thirdCode);
            Http.Answer stepped = collect(mfa.otpGrant(stepUpLogin.text("mfa_token"),
                    thirdCode));
            assertThat(stepped.status()).as(stepped.body()).isEqualTo(200);
            Http.Answer sms = collect(mfa.associateSms(stepped.text("access_token"), PHONE));
            assertThat(sms.status()).as(sms.body()).isEqualTo(200);
            String binding = mfa.lastCode(PHONE);
            SECRETS.add(binding);
            collect(mfa.oobGrant(stepped.text("access_token"), sms.text("oob_code"), binding));
            String oobToken = mfa.mfaToken(email);
            SECRETS.add(oobToken);
            Http.Answer challenge = collect(mfa.challenge(oobToken, "oob", null));
            String sent = mfa.lastCode(PHONE);
            SECRETS.add(sent);
            collect(mfa.oobGrant(oobToken, challenge.text("oob_code"), sent));
            String recoveryToken = mfa.mfaToken(email);
            SECRETS.add(recoveryToken);
            Http.Answer recovered = collect(mfa.recoveryGrant(recoveryToken, recovery));
            assertThat(recovered.status()).as(recovered.body()).isEqualTo(200);
        } finally {
            server.clock().unfreeze();
        }
    }

    private static final String VOICE_PHONE = "+15555550198";

    /**
     * Email and voice enrollment (the codes they send) and a remembered device: the mfa-oob
     * grant with remember_device=true answers a device_token, which a later login presents.
     */
    private static void emailVoiceAndRememberedDeviceFlows() {
        MfaClient mfa = new MfaClient(i -> server.http());
        server.server().services().tenantSettings().put("factor.voice.enabled", "true");
        String emailUser = "mfa-email-secrets@example.com";
        server.fixtures().user(emailUser, MfaClient.PASSWORD);
        String mfaToken = mfa.mfaToken(emailUser);
        SECRETS.add(mfaToken);
        Http.Answer email = collect(mfa.associate(mfaToken, Map.of("authenticator_types",
                List.of("oob"), "oob_channels", List.of("email"), "email", emailUser)));
        assertThat(email.status()).as(email.body()).isEqualTo(200);
        String emailCode = mfa.lastCode(emailUser);
        SECRETS.add(emailCode);
        Http.Answer remembered = collect(http().postForm("/oauth/token", Map.of("grant_type",
                Fixtures.MFA_OOB, "client_id", "c1", "client_secret", "s1-secret",
                "mfa_token", mfaToken, "oob_code", email.text("oob_code"),
                "binding_code", emailCode, "remember_device", "true")));
        assertThat(remembered.status()).as(remembered.body()).isEqualTo(200);
        String deviceToken = remembered.text("device_token");
        assertThat(deviceToken).startsWith("dt_");
        Http.Answer skipped = collect(http().postForm("/oauth/token", Map.of("grant_type",
                "password", "username", emailUser, "password", MfaClient.PASSWORD,
                "client_id", "c1", "client_secret", "s1-secret", "device_token", deviceToken)));
        assertThat(skipped.status()).as(skipped.body()).isEqualTo(200);

        String voiceUser = "mfa-voice-secrets@example.com";
        server.fixtures().user(voiceUser, MfaClient.PASSWORD);
        String voiceToken = mfa.mfaToken(voiceUser);
        SECRETS.add(voiceToken);
        Http.Answer voice = collect(mfa.associate(voiceToken, Map.of("authenticator_types",
                List.of("oob"), "oob_channels", List.of("voice"), "phone_number", VOICE_PHONE)));
        assertThat(voice.status()).as(voice.body()).isEqualTo(200);
        String spoken = http().get("/dev/outbox?to=%2B" + VOICE_PHONE.substring(1)).json()
                .get(0).get("text").asText();
        // The call speaks the digits one by one; the code and its spoken spelling are secrets.
        Matcher spelled = Pattern.compile("\\d(\\D{1,3}\\d){5}").matcher(spoken);
        assertThat(spelled.find()).as(spoken).isTrue();
        SECRETS.add(spelled.group());
        String voiceCode = spelled.group().replaceAll("\\D", "");
        SECRETS.add(voiceCode);
        Http.Answer voiced = collect(mfa.oobGrant(voiceToken, voice.text("oob_code"),
                voiceCode));
        assertThat(voiced.status()).as(voiced.body()).isEqualTo(200);
    }

    private static String allLogText() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : EVENTS.list) {
            text.append(event.getFormattedMessage()).append('\n');
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(t.getMessage()).append('\n');
            }
        }
        return text.toString();
    }

    @Test
    void logsWhenEveryFlowRanAtDebugThenHoldNoSecretCodeOrToken() {
        String log = allLogText();
        assertThat(EVENTS.list).as("DEBUG logging was captured")
                .anyMatch(event -> event.getLevel() == Level.DEBUG)
                .anyMatch(event -> event.getLevel() == Level.WARN);
        assertThat(SECRETS).hasSizeGreaterThan(15);
        List<String> leaked = new ArrayList<>();
        for (String secret : SECRETS) {
            if (secret.length() < 10) {
                if (java.util.regex.Pattern.compile("(?<![0-9A-Za-z])"
                        + java.util.regex.Pattern.quote(secret) + "(?![0-9A-Za-z])")
                        .matcher(log).find()) {
                    leaked.add(secret.substring(0, 2) + "…");
                }
                continue;
            }
            if (log.contains(secret) || (secret.length() > 24
                    && log.contains(secret.substring(secret.length() - 24)))) {
                leaked.add(secret.substring(0, Math.min(12, secret.length())) + "…");
            }
        }
        assertThat(leaked).as("secrets found in the log").isEmpty();
    }

    /** The tables (dump sections) whose rows contain the text. */
    private static List<String> tablesHolding(String dump, String text) {
        List<String> tables = new ArrayList<>();
        for (String section : dump.split("\n-- ")) {
            if (section.contains(text)) {
                tables.add(section.substring(0, section.indexOf('\n')).replace("-- ", ""));
            }
        }
        return tables;
    }

    @Test
    void databaseDumpWhenEveryFlowRanThenHoldsNoSecretInClear() {
        String dump = DatabaseDump.of(server);
        assertThat(dump).contains("alice@example.com");
        List<String> found = new ArrayList<>();
        for (String phone : List.of(PHONE, PHONE.substring(2), PHONE.substring(1),
                VOICE_PHONE, VOICE_PHONE.substring(2), VOICE_PHONE.substring(1))) {
            if (dump.contains(phone)) {
                found.add("phone number " + phone.substring(0, 4) + "… in " + tablesHolding(dump,
                        phone));
            }
        }
        for (String secret : SECRETS) {
            if (secret.matches("\\d{6}")) {
                // A 6-digit run occurs by chance in ids and hashes; a stored code would be a
                // whole column value ({col=123456, …}) or a JSON value ("123456").
                if (Pattern.compile("=" + secret + "[,}]|\"" + secret + "\"").matcher(dump)
                        .find()) {
                    found.add("6-digit code " + secret.substring(0, 2) + "…");
                }
                continue;
            }
            String probe = secret.length() > 24 ? secret.substring(secret.length() - 24)
                    : secret;
            if (dump.contains(probe)) {
                found.add(secret.substring(0, Math.min(12, secret.length())) + "…");
            }
        }
        assertThat(found).as("secrets stored in clear").isEmpty();
        // The recovery code, in any of the spellings it is accepted in, is not stored as is.
        for (String secret : SECRETS) {
            if (secret.matches("[A-Z0-9]{24}")) {
                assertThat(dump).doesNotContain(secret.toLowerCase())
                        .doesNotContain(secret.replaceAll("(.{4})(?!$)", "$1-"));
            }
        }
    }
}
