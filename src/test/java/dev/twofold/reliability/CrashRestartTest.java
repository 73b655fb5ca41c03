package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.crypto.PasswordHasher;
import dev.twofold.server.Settings;
import dev.twofold.store.Client;
import dev.twofold.store.ClientStore;
import dev.twofold.store.Database;
import dev.twofold.store.TenantSettingsStore;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Crashes: a real Twofold process ({@code twofold start-dev} on PostgreSQL) under a steady load
 * of sign-ups, TOTP enrollments, logins and verifications is killed with SIGKILL at 20 random
 * moments and restarted. After each restart what the clients saw must still hold: every user
 * whose sign-up was answered exists, every confirmed authenticator exists and works, no
 * mfa_token or recovery code that was accepted once is accepted again, and each user's latest
 * recovery code works. Long: {@code -Dtwofold.long=true} on PostgreSQL (docs/reliability.md).
 */
@EnabledIfSystemProperty(named = "twofold.long", matches = "true")
class CrashRestartTest {

    private static final int CRASHES = Integer.getInteger("twofold.crashes", 20);
    private static final int CLIENTS = 3;

    /** What one client saw for one user. */
    static final class Seen {
        final String email;
        volatile String secret;
        volatile String recoveryCode;

        Seen(String email) {
            this.email = email;
        }
    }

    private final Map<String, Seen> users = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> spentMfaTokens = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String[]> spentRecoveryCodes =
            new ConcurrentLinkedQueue<>();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);

    private Process process;
    private Map<String, String> environment;
    private int port;

    @Test
    void crashWhenKilledTwentyTimesUnderLoadThenEverythingClientsSawStillHolds()
            throws Exception {
        assertThat(TestServer.usesPostgres()).as("run with -Dtwofold.test.db=postgres").isTrue();
        String schema = "crash_" + UUID.randomUUID().toString().replace("-", "")
                .substring(0, 12);
        port = freePort();
        Path dataDir = Files.createTempDirectory("twofold-crash");
        environment = new HashMap<>(Map.of("TWOFOLD_PORT", String.valueOf(port),
                "TWOFOLD_DB_URL", TestServer.POSTGRES_URL, "TWOFOLD_DB_SCHEMA", schema,
                "TWOFOLD_DATA_DIR", dataDir.toString(), "TWOFOLD_ARGON2_MEMORY_KIB", "1024",
                "TWOFOLD_ARGON2_ITERATIONS", "1", "TWOFOLD_DEMO_USER", "false",
                "TWOFOLD_MFA_MAX_FAILURES", "1000000"));
        long started = System.nanoTime();
        startProcess();
        seed();
        Http http = new Http("http://127.0.0.1:" + port + "/");
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int id = i;
            clients.add(Thread.ofPlatform().start(() -> load(http, id)));
        }
        Random random = new Random();
        List<String> checks = new ArrayList<>();
        try {
            for (int crash = 1; crash <= CRASHES; crash++) {
                Thread.sleep(1_500 + random.nextInt(4_000));
                process.destroyForcibly().waitFor();
                startProcess();
                checks.add(check(http, crash));
            }
        } finally {
            running.set(false);
            for (Thread client : clients) {
                client.join(30_000);
            }
            process.destroyForcibly().waitFor();
            dropSchema(schema);
        }
        System.out.println("CRASH FIGURES crashes=" + CRASHES + " users=" + users.size()
                + " answered=" + answered.get() + " lost-in-crash=" + lost.get()
                + " spent-mfa-tokens=" + spentMfaTokens.size() + " spent-recovery-codes="
                + spentRecoveryCodes.size() + " seconds="
                + (System.nanoTime() - started) / 1_000_000_000);
        checks.forEach(System.out::println);
    }

    private void startProcess() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp",
                System.getProperty("java.class.path"), "dev.twofold.server.Main", "start-dev");
        builder.environment().keySet().removeIf(name -> name.startsWith("TWOFOLD_"));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(
                System.getProperty("java.io.tmpdir"), "twofold-crash-node.log")));
        process = builder.start();
        Http http = new Http("http://127.0.0.1:" + port + "/");
        for (int i = 0; i < 600; i++) {
            try {
                if (http.get("/.well-known/jwks.json").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // Not listening yet.
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The node did not start within 60 s");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void seed() {
        Settings settings = Settings.of(Settings.Mode.DEV, environment);
        try (Database database = Database.open(settings)) {
            PasswordHasher hasher = new PasswordHasher(1024, 1, 1);
            long now = System.currentTimeMillis();
            new ClientStore(database).save(new Client("c1", "Crash client", "regular_web",
                    Optional.of(hasher.hash("s1-secret")), "client_secret_post",
                    Fixtures.ALL_GRANTS, List.of(Fixtures.REDIRECT_URI), List.of(), List.of(),
                    Optional.empty(), true, "{}", now, now));
            new TenantSettingsStore(database).put("mfa_policy", "all-applications");
        }
    }

    /** One client: sign up, enroll TOTP, then log in with TOTP or a recovery code, forever. */
    private void load(Http http, int id) {
        MfaClient mfa = new MfaClient(i -> http);
        Random random = new Random(id);
        while (running.get()) {
            try {
                step(http, mfa, random);
            } catch (RuntimeException | AssertionError lostInCrash) {
                lost.incrementAndGet();
                sleep(50);
            }
        }
    }

    private void step(Http http, MfaClient mfa, Random random) {
        List<Seen> enrolled = users.values().stream().filter(s -> s.secret != null).toList();
        if (enrolled.isEmpty() || random.nextInt(3) == 0) {
            signUpAndEnroll(http, mfa);
        } else {
            Seen user = enrolled.get(random.nextInt(enrolled.size()));
            synchronized (user) {
                verify(mfa, user, random.nextInt(4) == 0);
            }
        }
    }

    private void signUpAndEnroll(Http http, MfaClient mfa) {
        String email = "crash-" + UUID.randomUUID() + "@example.com";
        Http.Answer signup = http.postJson("/dbconnections/signup", Map.of("client_id", "c1",
                "email", email, "password", MfaClient.PASSWORD,
                "connection", "Username-Password-Authentication"));
        answered.incrementAndGet();
        if (signup.status() != 200) {
            throw new AssertionError("signup " + signup.status() + " " + signup.body());
        }
        Seen seen = new Seen(email);
        users.put(email, seen);
        String mfaToken = mfa.mfaToken(email);
        Http.Answer associated = mfa.associateOtp(mfaToken);
        answered.incrementAndGet();
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        String secret = associated.text("secret");
        Http.Answer confirmed = mfa.otpGrant(mfaToken, MfaClient.totp(secret, Instant.now()));
        answered.incrementAndGet();
        if (confirmed.status() == 200) {
            spentMfaTokens.add(mfaToken);
            seen.recoveryCode = associated.json().path("recovery_codes").get(0).asText();
            seen.secret = secret;
        }
    }

    private void verify(MfaClient mfa, Seen user, boolean withRecoveryCode) {
        String mfaToken = mfa.mfaToken(user.email);
        String code = user.recoveryCode;
        if (withRecoveryCode && code != null) {
            // Unknown until answered: a crash before the answer leaves it unknown for good.
            user.recoveryCode = null;
            Http.Answer answer = mfa.recoveryGrant(mfaToken, code);
            answered.incrementAndGet();
            if (answer.status() == 200) {
                spentMfaTokens.add(mfaToken);
                spentRecoveryCodes.add(new String[] {user.email, code});
                user.recoveryCode = answer.text("recovery_code");
            } else {
                user.recoveryCode = code;
            }
        } else {
            Http.Answer answer = mfa.otpGrant(mfaToken, MfaClient.totp(user.secret,
                    Instant.now()));
            answered.incrementAndGet();
            if (answer.status() == 200) {
                spentMfaTokens.add(mfaToken);
            }
        }
    }

    /** The invariants after a restart; returns a line of figures. */
    private String check(Http http, int crash) {
        MfaClient mfa = new MfaClient(i -> http);
        int usersChecked = 0;
        for (Seen user : users.values()) {
            Http.Answer login = mfa.login(user.email);
            assertThat(login.status()).as("user " + user.email + " lost after crash " + crash
                    + ": " + login.body()).isEqualTo(403);
            usersChecked++;
        }
        int tokensChecked = 0;
        for (String token : spentMfaTokens) {
            Http.Answer again = mfa.recoveryGrant(token, "AAAABBBBCCCCDDDDEEEEFFFF");
            assertThat(again.status()).as("spent mfa_token usable after crash " + crash)
                    .isEqualTo(400);
            assertThat(again.text("error")).isEqualTo("invalid_grant");
            tokensChecked++;
        }
        int codesChecked = 0;
        for (String[] spent : spentRecoveryCodes) {
            Seen user = users.get(spent[0]);
            synchronized (user) {
                Http.Answer again = mfa.recoveryGrant(mfa.mfaToken(spent[0]), spent[1]);
                assertThat(again.status()).as("recovery code usable twice after crash "
                        + crash).isEqualTo(400);
            }
            codesChecked++;
        }
        int authenticatorsChecked = 0;
        for (Seen user : users.values()) {
            synchronized (user) {
                if (user.secret == null || user.recoveryCode == null) {
                    continue;
                }
                Http.Answer latest = mfa.recoveryGrant(mfa.mfaToken(user.email),
                        user.recoveryCode);
                assertThat(latest.status()).as("latest recovery code of " + user.email
                        + " after crash " + crash + ": " + latest.body()).isEqualTo(200);
                user.recoveryCode = latest.text("recovery_code");
                Http.Answer list = mfa.authenticators(mfa.mfaToken(user.email));
                assertThat(list.body()).as("confirmed authenticator of " + user.email)
                        .contains("\"otp\"");
                authenticatorsChecked++;
            }
        }
        return "after crash " + crash + ": users=" + usersChecked + " spent-mfa-tokens="
                + tokensChecked + " spent-recovery-codes=" + codesChecked
                + " confirmed-authenticators=" + authenticatorsChecked;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void dropSchema(String schema) {
        try (Connection connection = DriverManager.getConnection(TestServer.POSTGRES_URL);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
