package dev.twofold.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofold.crypto.PasswordHasher;
import dev.twofold.crypto.Randoms;
import dev.twofold.mfa.recovery.RecoveryCodes;
import dev.twofold.server.Settings;
import dev.twofold.store.Client;
import dev.twofold.store.ClientStore;
import dev.twofold.store.Database;
import dev.twofold.store.TenantSettingsStore;
import dev.twofold.testing.Fixtures;
import dev.twofold.testing.Http;
import dev.twofold.testing.NodeProcess;
import dev.twofold.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Crashes: a real Twofold process ({@code twofold start-dev} on PostgreSQL) under a steady load
 * of sign-ups, TOTP and SMS enrollments, logins and verifications is killed with SIGKILL at 20
 * random moments and restarted. After each restart what the clients saw must still hold: every
 * user whose sign-up was answered exists, every confirmed authenticator exists and works, no
 * mfa_token (refused as already used), TOTP code, SMS code or recovery code that was accepted
 * once is accepted again, a recovery code whose answer the crash cut off is either still the
 * one active code or spent with exactly one new code active, and each user's latest recovery
 * code works. Long: {@code -Dtwofold.long=true} on PostgreSQL (docs/reliability.md).
 */
@EnabledIfSystemProperty(named = "twofold.long", matches = "true")
class CrashRestartTest {

    private static final int CRASHES = Integer.getInteger("twofold.crashes", 20);
    private static final int CLIENTS = 3;

    /** What one client saw for one user. */
    static final class Seen {
        final String email;
        final String phone;
        volatile String secret;
        volatile String recoveryCode;
        /** A recovery code sent in a request whose answer was lost in a crash. */
        volatile String doubtfulRecoveryCode;
        volatile boolean enrolled;

        Seen(String email, String phone) {
            this.email = email;
            this.phone = phone;
        }

        String authenticatorType() {
            return phone == null ? "\"otp\"" : "\"oob\"";
        }
    }

    /** A TOTP code that was accepted once, with the 30 s step it was computed for. */
    record SpentTotp(String email, String code, long step) {
    }

    /** An out-of-band code that was accepted once, with its mfa_token and binding code. */
    record SpentOob(String mfaToken, String oobCode, String bindingCode) {
    }

    private final Map<String, Seen> users = new ConcurrentHashMap<>();
    private final Ledger<Seen> signedUp = new Ledger<>();
    private final Ledger<String> spentMfaTokens = new Ledger<>();
    private final Ledger<String[]> spentRecoveryCodes = new Ledger<>();
    private final Ledger<SpentTotp> spentTotps = new Ledger<>();
    private final Ledger<SpentOob> spentOobs = new Ledger<>();
    private final Map<String, AtomicLong> lostReasons = new ConcurrentHashMap<>();
    /** Load steps hold the read lock; a check holds the write lock and sees a still state. */
    private final ReadWriteLock quiet = new ReentrantReadWriteLock();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong invariants = new AtomicLong();
    private final AtomicLong totpRetries = new AtomicLong();
    private final AtomicLong doubtsResolved = new AtomicLong();
    private final AtomicInteger phones = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private String schema;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private NodeProcess node;
    private Map<String, String> environment;

    @Test
    void crashWhenKilledTwentyTimesUnderLoadThenEverythingClientsSawStillHolds()
            throws Exception {
        assertThat(TestServer.usesPostgres()).as("run with -Dtwofold.test.db=postgres").isTrue();
        schema = "crash_" + UUID.randomUUID().toString().replace("-", "")
                .substring(0, 12);
        Path dataDir = Files.createTempDirectory("twofold-crash");
        environment = new HashMap<>(Map.of("TWOFOLD_PORT",
                String.valueOf(NodeProcess.freePort()),
                "TWOFOLD_DB_URL", TestServer.POSTGRES_URL, "TWOFOLD_DB_SCHEMA", schema,
                "TWOFOLD_DATA_DIR", dataDir.toString(), "TWOFOLD_ARGON2_MEMORY_KIB", "1024",
                "TWOFOLD_ARGON2_ITERATIONS", "1", "TWOFOLD_DEMO_USER", "false",
                "TWOFOLD_MFA_MAX_FAILURES", "1000000"));
        environment.put("TWOFOLD_PHONE_LIMIT_PER_IP", "1000000/PT1M");
        environment.put("TWOFOLD_PHONE_LIMIT_PER_USER", "1000000/PT1H");
        environment.put("TWOFOLD_PHONE_LIMIT_PER_DESTINATION", "1000000/PT1H");
        environment.put("TWOFOLD_PHONE_LIMIT_PER_COUNTRY", "1000000/PT1S");
        environment.put("TWOFOLD_MANAGEMENT_PORT", "0");
        long started = System.nanoTime();
        node = NodeProcess.launch("crash-node", environment).awaitReady(START_TIMEOUT);
        seed();
        Http http = node.http();
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
                node.restart(START_TIMEOUT);
                Lock lock = quiet.writeLock();
                lock.lock();
                try {
                    checks.add(check(http, crash));
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            running.set(false);
            for (Thread client : clients) {
                client.join(30_000);
            }
            node.kill();
            dropSchema(schema);
        }
        System.out.println("CRASH FIGURES crashes=" + CRASHES + " users=" + users.size()
                + " answered=" + answered.get() + " lost-in-crash=" + lost.get()
                + " spent-mfa-tokens=" + spentMfaTokens.size() + " spent-recovery-codes="
                + spentRecoveryCodes.size() + " spent-totp-codes-retried=" + totpRetries.get()
                + " spent-oob-codes=" + spentOobs.size() + " in-doubt-recovery-codes-resolved="
                + doubtsResolved.get() + " invariants-checked=" + invariants.get() + " seconds="
                + (System.nanoTime() - started) / 1_000_000_000);
        checks.forEach(System.out::println);
        lostReasons.forEach((reason, count) -> System.out.println(
                "after crash: lost " + count + " x " + reason));
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

    /** One client: sign up, enroll TOTP or SMS, then log in with it or a recovery code. */
    private void load(Http http, int id) {
        MfaClient mfa = new MfaClient(i -> http);
        Random random = new Random(id);
        while (running.get()) {
            Lock lock = quiet.readLock();
            lock.lock();
            try {
                step(http, mfa, random);
            } catch (RuntimeException | AssertionError lostInCrash) {
                lost.incrementAndGet();
                lostReasons.computeIfAbsent(reason(lostInCrash), r -> new AtomicLong())
                        .incrementAndGet();
                sleep(50);
            } finally {
                lock.unlock();
            }
        }
    }

    private void step(Http http, MfaClient mfa, Random random) {
        List<Seen> enrolled = users.values().stream().filter(s -> s.enrolled).toList();
        if (enrolled.isEmpty() || random.nextInt(3) == 0) {
            signUpAndEnroll(http, mfa, random.nextBoolean());
        } else {
            Seen user = enrolled.get(random.nextInt(enrolled.size()));
            synchronized (user) {
                verify(mfa, user, random.nextInt(4) == 0);
            }
        }
    }

    private void signUpAndEnroll(Http http, MfaClient mfa, boolean sms) {
        String email = "crash-" + UUID.randomUUID() + "@example.com";
        Http.Answer signup = http.postJson("/dbconnections/signup", Map.of("client_id", "c1",
                "email", email, "password", MfaClient.PASSWORD,
                "connection", "Username-Password-Authentication"));
        answered.incrementAndGet();
        if (signup.status() != 200) {
            throw new AssertionError("signup " + signup.status() + " " + signup.body());
        }
        Seen seen = new Seen(email, sms ? "+1555559" + String.format("%04d",
                phones.getAndIncrement() % 10_000) : null);
        users.put(email, seen);
        signedUp.add(seen);
        synchronized (seen) {
            if (sms) {
                enrollSms(mfa, seen);
            } else {
                enrollOtp(mfa, seen);
            }
        }
    }

    private void enrollOtp(MfaClient mfa, Seen seen) {
        String mfaToken = mfa.mfaToken(seen.email);
        Http.Answer associated = mfa.associateOtp(mfaToken);
        answered.incrementAndGet();
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        String secret = associated.text("secret");
        Instant now = Instant.now();
        String code = MfaClient.totp(secret, now);
        Http.Answer confirmed = mfa.otpGrant(mfaToken, code);
        answered.incrementAndGet();
        if (confirmed.status() == 200) {
            spentMfaTokens.add(mfaToken);
            spentTotps.add(new SpentTotp(seen.email, code, now.getEpochSecond() / 30));
            seen.secret = secret;
            enrolled(seen, associated);
        }
    }

    private void enrollSms(MfaClient mfa, Seen seen) {
        String mfaToken = mfa.mfaToken(seen.email);
        Http.Answer associated = mfa.associateSms(mfaToken, seen.phone);
        answered.incrementAndGet();
        assertThat(associated.status()).as(associated.body()).isEqualTo(200);
        String oobCode = associated.text("oob_code");
        String binding = mfa.lastCode(seen.phone);
        Http.Answer confirmed = mfa.oobGrant(mfaToken, oobCode, binding);
        answered.incrementAndGet();
        if (confirmed.status() == 200) {
            spentMfaTokens.add(mfaToken);
            spentOobs.add(new SpentOob(mfaToken, oobCode, binding));
            enrolled(seen, associated);
        }
    }

    private static void enrolled(Seen seen, Http.Answer associated) {
        seen.recoveryCode = associated.json().path("recovery_codes").get(0).asText();
        seen.enrolled = true;
    }

    private void verify(MfaClient mfa, Seen user, boolean withRecoveryCode) {
        String mfaToken = mfa.mfaToken(user.email);
        if (withRecoveryCode && user.recoveryCode != null) {
            verifyRecoveryCode(mfa, user, mfaToken);
        } else if (user.phone != null) {
            verifyOob(mfa, user, mfaToken);
        } else {
            verifyOtp(mfa, user, mfaToken);
        }
    }

    private void verifyRecoveryCode(MfaClient mfa, Seen user, String mfaToken) {
        String code = user.recoveryCode;
        // In doubt until answered: a crash before the answer is resolved by the next check.
        user.doubtfulRecoveryCode = code;
        user.recoveryCode = null;
        Http.Answer answer = mfa.recoveryGrant(mfaToken, code);
        answered.incrementAndGet();
        user.doubtfulRecoveryCode = null;
        if (answer.status() == 200) {
            spentMfaTokens.add(mfaToken);
            spentRecoveryCodes.add(new String[] {user.email, code});
            user.recoveryCode = answer.text("recovery_code");
        } else {
            user.recoveryCode = code;
        }
    }

    private void verifyOob(MfaClient mfa, Seen user, String mfaToken) {
        Http.Answer challenge = mfa.challenge(mfaToken, "oob", null);
        answered.incrementAndGet();
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
        String oobCode = challenge.text("oob_code");
        String binding = mfa.lastCode(user.phone);
        Http.Answer answer = mfa.oobGrant(mfaToken, oobCode, binding);
        answered.incrementAndGet();
        if (answer.status() == 200) {
            spentMfaTokens.add(mfaToken);
            spentOobs.add(new SpentOob(mfaToken, oobCode, binding));
        }
    }

    private void verifyOtp(MfaClient mfa, Seen user, String mfaToken) {
        Instant now = Instant.now();
        String code = MfaClient.totp(user.secret, now);
        Http.Answer answer = mfa.otpGrant(mfaToken, code);
        answered.incrementAndGet();
        if (answer.status() == 200) {
            spentMfaTokens.add(mfaToken);
            spentTotps.add(new SpentTotp(user.email, code, now.getEpochSecond() / 30));
        }
    }

    /** The invariants after a restart; returns a line of figures. */
    private String check(Http http, int crash) throws SQLException {
        MfaClient mfa = new MfaClient(i -> http);
        String after = " after crash " + crash;
        List<Seen> due = signedUp.due();
        int people = checkUsers(mfa, due, after);
        int tokens = checkSpentMfaTokens(mfa, after);
        int codes = checkSpentRecoveryCodes(mfa, after);
        int totps = checkSpentTotps(mfa, after);
        int oobs = checkSpentOobs(mfa, after);
        int doubts = resolveDoubts(mfa, after);
        int authenticators = checkEnrolled(mfa, due, after);
        return "after crash " + crash + ": users=" + people + " spent-mfa-tokens=" + tokens
                + " spent-recovery-codes=" + codes + " spent-totp-codes-in-window=" + totps
                + " spent-oob-codes=" + oobs + " in-doubt-recovery-codes=" + doubts
                + " confirmed-authenticators=" + authenticators;
    }

    private int checkUsers(MfaClient mfa, List<Seen> due, String after) {
        int checked = 0;
        for (Seen user : due) {
            Http.Answer login = mfa.login(user.email);
            assertThat(login.status()).as("user " + user.email + " lost" + after + ": "
                    + login.body()).isEqualTo(403);
            assertThat(login.text("error")).isEqualTo("mfa_required");
            checked++;
        }
        invariants.addAndGet(checked);
        return checked;
    }

    private int checkSpentMfaTokens(MfaClient mfa, String after) {
        int checked = 0;
        for (String token : spentMfaTokens.due()) {
            // Any recovery code: the mfa_token is read first and must be refused as spent.
            Http.Answer again = mfa.recoveryGrant(token, "AAAABBBBCCCCDDDDEEEEFFFF");
            assertThat(again.status()).as("spent mfa_token" + after).isEqualTo(400);
            assertThat(again.text("error")).isEqualTo("invalid_grant");
            assertThat(again.text("error_description")).as("spent mfa_token" + after)
                    .contains("was already used");
            checked++;
        }
        invariants.addAndGet(checked);
        return checked;
    }

    private int checkSpentRecoveryCodes(MfaClient mfa, String after) {
        int checked = 0;
        for (String[] spent : spentRecoveryCodes.due()) {
            Seen user = users.get(spent[0]);
            synchronized (user) {
                Http.Answer again = mfa.recoveryGrant(mfa.mfaToken(spent[0]), spent[1]);
                assertThat(again.status()).as("recovery code usable twice" + after)
                        .isEqualTo(400);
                assertThat(again.text("error_description")).contains("Invalid recovery_code");
            }
            checked++;
        }
        invariants.addAndGet(checked);
        return checked;
    }

    /**
     * A spent TOTP code is retried with a fresh mfa_token while it would still be inside the
     * accepted window (its step and the next), so only the replay record can refuse it.
     */
    private int checkSpentTotps(MfaClient mfa, String after) {
        int checked = 0;
        for (SpentTotp spent : spentTotps.due()) {
            if (Instant.now().getEpochSecond() >= (spent.step() + 2) * 30 - 3) {
                continue;
            }
            synchronized (users.get(spent.email())) {
                Http.Answer again = mfa.otpGrant(mfa.mfaToken(spent.email()), spent.code());
                assertThat(again.status()).as("TOTP code usable twice" + after + ": "
                        + again.body()).isEqualTo(400);
                assertThat(again.text("error")).isEqualTo("invalid_grant");
            }
            checked++;
        }
        invariants.addAndGet(checked);
        totpRetries.addAndGet(checked);
        return checked;
    }

    private int checkSpentOobs(MfaClient mfa, String after) {
        int checked = 0;
        for (SpentOob spent : spentOobs.due()) {
            Http.Answer again = mfa.oobGrant(spent.mfaToken(), spent.oobCode(),
                    spent.bindingCode());
            assertThat(again.status()).as("out-of-band code usable twice" + after)
                    .isEqualTo(400);
            assertThat(again.text("error_description")).contains("already used");
            checked++;
        }
        invariants.addAndGet(checked);
        return checked;
    }

    /**
     * A recovery code whose request was cut off by the crash: either the grant committed (the
     * old code is spent and exactly one new code is active) or it did not (the old code is
     * still the one active code). The database says which; the old code must agree.
     */
    private int resolveDoubts(MfaClient mfa, String after) throws SQLException {
        int checked = 0;
        for (Seen user : users.values()) {
            synchronized (user) {
                String old = user.doubtfulRecoveryCode;
                if (old == null) {
                    continue;
                }
                List<String> active = activeRecoveryHashes(user.email);
                assertThat(active).as("active recovery codes of " + user.email + after)
                        .hasSize(1);
                boolean oldIsActive = active.get(0).equals(
                        Randoms.sha256(RecoveryCodes.normalize(old)));
                String mfaToken = mfa.mfaToken(user.email);
                Http.Answer answer = mfa.recoveryGrant(mfaToken, old);
                assertThat(answer.status()).as("in-doubt recovery code of " + user.email
                        + after + ": " + answer.body()).isEqualTo(oldIsActive ? 200 : 400);
                spentRecoveryCodes.add(new String[] {user.email, old});
                if (oldIsActive) {
                    spentMfaTokens.add(mfaToken);
                    user.recoveryCode = answer.text("recovery_code");
                }
                user.doubtfulRecoveryCode = null;
                doubtsResolved.incrementAndGet();
                checked++;
            }
        }
        invariants.addAndGet(checked);
        return checked;
    }

    private List<String> activeRecoveryHashes(String email) throws SQLException {
        try (Connection connection = DriverManager.getConnection(TestServer.POSTGRES_URL);
             PreparedStatement query = connection.prepareStatement("SELECT a.code_hash FROM "
                     + schema + ".authenticators a JOIN " + schema + ".users u"
                     + " ON u.user_id = a.user_id WHERE u.email = ? AND a.active"
                     + " AND a.kind = 'recovery-code'")) {
            query.setString(1, email);
            List<String> hashes = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    hashes.add(rows.getString(1));
                }
            }
            return hashes;
        }
    }

    private int checkEnrolled(MfaClient mfa, List<Seen> due, String after) {
        int checked = 0;
        for (Seen user : due) {
            synchronized (user) {
                if (!user.enrolled || user.recoveryCode == null) {
                    continue;
                }
                Http.Answer latest = mfa.recoveryGrant(mfa.mfaToken(user.email),
                        user.recoveryCode);
                assertThat(latest.status()).as("latest recovery code of " + user.email
                        + after + ": " + latest.body()).isEqualTo(200);
                user.recoveryCode = latest.text("recovery_code");
                Http.Answer list = mfa.authenticators(mfa.mfaToken(user.email));
                assertThat(list.body()).as("confirmed authenticator of " + user.email)
                        .contains(user.authenticatorType());
                checked++;
            }
        }
        invariants.addAndGet(checked * 2L);
        return checked;
    }

    private static String reason(Throwable lostInCrash) {
        String message = String.valueOf(lostInCrash.getMessage()).lines().findFirst()
                .orElse("");
        return lostInCrash.getClass().getSimpleName() + ": "
                + message.substring(0, Math.min(120, message.length()));
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

    /**
     * What the clients saw of one kind, in order. Each check covers everything recorded since
     * the previous check (so every item crosses at least one crash) plus a random sample of
     * older items (so they are seen to survive later crashes too), keeping checks bounded.
     */
    static final class Ledger<T> {
        private static final int SAMPLE = 100;
        private final List<T> items = new ArrayList<>();
        private final Random random = new Random();
        private int checkedUpTo;

        synchronized void add(T item) {
            items.add(item);
        }

        synchronized int size() {
            return items.size();
        }

        synchronized List<T> due() {
            List<T> due = new ArrayList<>(items.subList(checkedUpTo, items.size()));
            for (int i = 0; i < Math.min(SAMPLE, checkedUpTo); i++) {
                due.add(items.get(random.nextInt(checkedUpTo)));
            }
            checkedUpTo = items.size();
            return due;
        }
    }
}
