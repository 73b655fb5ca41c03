import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Load driver for the Twofold flows that need per-request state (TOTP codes, mfa_tokens,
 * cookies, CSRF tokens). Run with the JDK's source launcher and Bouncy Castle on the class path:
 *
 * <pre>
 *   java -cp target/lib/bcprov-jdk18on-*.jar bench/driver/BenchDriver.java setup  k=v ...
 *   java -cp ... bench/driver/BenchDriver.java run flow=mfa-login pid=... k=v ...
 * </pre>
 *
 * Loopback only; every loop is bounded in count and in time. Results are appended as one
 * tab-separated line to the file named by {@code results=}.
 */
public final class BenchDriver {

    static final String MFA_OTP = "http://auth0.com/oauth/grant-type/mfa-otp";
    static final String PASSWORD = "Bench-Passw0rd!";
    static final Pattern JSON_STRING = Pattern.compile("\"([a-z_]+)\"\\s*:\\s*\"([^\"]*)\"");
    static final SecureRandom RANDOM = new SecureRandom();

    final Map<String, String> args;
    final String base;
    final HttpClient http;

    BenchDriver(Map<String, String> args) {
        this.args = args;
        String url = args.getOrDefault("base", "http://127.0.0.1:18080/");
        this.base = url.endsWith("/") ? url : url + "/";
        if (!URI.create(base).getHost().startsWith("127.")) {
            throw new IllegalArgumentException("loopback only, got " + base);
        }
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 1; i < argv.length; i++) {
            int eq = argv[i].indexOf('=');
            args.put(argv[i].substring(0, eq), argv[i].substring(eq + 1));
        }
        BenchDriver driver = new BenchDriver(args);
        switch (argv[0]) {
            case "setup" -> new Setup(driver).run();
            case "run" -> new Load(driver).run();
            default -> throw new IllegalArgumentException("setup or run, got " + argv[0]);
        }
    }

    int intArg(String name, int fallback) {
        return Integer.parseInt(args.getOrDefault(name, String.valueOf(fallback)));
    }

    Path dir() {
        return Path.of(args.getOrDefault("dir", "bench/out/state"));
    }

    // ---- HTTP helpers ----------------------------------------------------------------------

    record Answer(int status, String body, HttpResponse<String> raw) {
        String field(String name) {
            Matcher matcher = JSON_STRING.matcher(body);
            while (matcher.find()) {
                if (matcher.group(1).equals(name)) {
                    return matcher.group(2);
                }
            }
            throw new IllegalStateException("no " + name + " in HTTP " + status + ": " + body);
        }
    }

    Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            return new Answer(-1, e.toString(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "interrupted", null);
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    }

    Answer form(String path, Map<String, String> fields) {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields))).build());
    }

    Answer json(String path, String bearer, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String encode(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((name, value) -> out.append(out.isEmpty() ? "" : "&").append(name)
                .append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return out.toString();
    }

    static Map<String, String> fields(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static Answer expect(Answer answer, int status, String what) {
        if (answer.status() != status) {
            throw new IllegalStateException(what + ": expected HTTP " + status + ", got "
                    + answer.status() + " " + answer.body());
        }
        return answer;
    }

    // ---- TOTP (RFC 6238, SHA-1, 6 digits, 30 s) ----------------------------------------------

    static long step() {
        return System.currentTimeMillis() / 30_000;
    }

    static String totp(byte[] key, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int off = h[h.length - 1] & 0x0f;
            int bin = ((h[off] & 0x7f) << 24) | ((h[off + 1] & 0xff) << 16)
                    | ((h[off + 2] & 0xff) << 8) | (h[off + 3] & 0xff);
            return String.format("%06d", bin % 1_000_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        String clean = text.replace("=", "").replace(" ", "").toUpperCase();
        byte[] out = new byte[clean.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int index = 0;
        for (char c : clean.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out[index++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }

    /** A user with a TOTP authenticator; steps are spent in order, each at most once. */
    static final class OtpUser {
        final String email;
        final byte[] key;
        long lastStep;

        OtpUser(String email, byte[] key, long lastStep) {
            this.email = email;
            this.key = key;
            this.lastStep = lastStep;
        }

        /**
         * The next unspent step of now and the next one, which the server's window of one
         * step either way accepts (the step before now is not used: the server's clock may
         * have moved on by the time the request arrives).
         */
        synchronized long claim() {
            long now = step();
            long next = Math.max(lastStep + 1, now);
            if (next > now + 1) {
                return -1;
            }
            lastStep = next;
            return next;
        }

        String line() {
            return email + "\t" + Base64.getEncoder().encodeToString(key) + "\t" + lastStep;
        }

        static OtpUser parse(String line) {
            String[] parts = line.split("\t");
            return new OtpUser(parts[0], Base64.getDecoder().decode(parts[1]),
                    Long.parseLong(parts[2]));
        }
    }

    static <T> List<T> parallel(int count, int threads, Function<Integer, T> task)
            throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.apply(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    // ---- Setup -------------------------------------------------------------------------------

    /**
     * Creates, through the Management API and the public endpoints, what the load needs: two
     * APIs (RS256, ES256), a client-credentials client, a web app without MFA, a web app whose
     * MFA policy is all-applications, Argon2 users (passwords hashed by the server) with TOTP,
     * cheap users (imported bcrypt cost 4) with TOTP and pre-minted mfa_tokens, and a pool of
     * refresh tokens.
     */
    static final class Setup {
        final BenchDriver d;
        String mgmtToken;

        Setup(BenchDriver d) {
            this.d = d;
        }

        void run() throws Exception {
            long started = System.nanoTime();
            Files.createDirectories(d.dir());
            mgmtToken = d.expect(d.form("oauth/token", fields("grant_type", "client_credentials",
                    "client_id", d.args.get("mgmt_id"), "client_secret", d.args.get("mgmt_secret"),
                    "audience", d.base + "api/v2/")), 200, "management token")
                    .field("access_token");
            Properties out = new Properties();
            api("https://api.bench.test/rs256", "RS256");
            api("https://api.bench.test/es256", "ES256");
            String[] cc = client("bench-cc", "non_interactive", "never", "client_credentials");
            grant(cc[0], "https://api.bench.test/rs256");
            grant(cc[0], "https://api.bench.test/es256");
            String[] app = client("bench-app", "regular_web", "never", "password",
                    "refresh_token", "authorization_code");
            String[] appEs = clientSigning("bench-app-es256", "regular_web", "never", "ES256",
                    "password", "refresh_token");
            String[] mfa = client("bench-mfa", "regular_web", "all-applications", "password",
                    MFA_OTP);
            out.setProperty("cc_id", cc[0]);
            out.setProperty("cc_secret", cc[1]);
            out.setProperty("app_id", app[0]);
            out.setProperty("app_secret", app[1]);
            out.setProperty("app_es256_id", appEs[0]);
            out.setProperty("app_es256_secret", appEs[1]);
            out.setProperty("mfa_id", mfa[0]);
            out.setProperty("mfa_secret", mfa[1]);
            try (var writer = Files.newBufferedWriter(d.dir().resolve("setup.properties"))) {
                out.store(writer, "bench setup");
            }
            int threads = d.intArg("threads", 4);
            users("argon", d.intArg("argon_users", 64), threads, null);
            String cheapHash = OpenBSDBCrypt.generate("2b", PASSWORD.toCharArray(),
                    randomBytes(16), 4);
            List<OtpUser> argonMfa = enroll("mfa", d.intArg("mfa_users", 300), threads, null,
                    mfa);
            write("mfa-users.tsv", argonMfa.stream().map(OtpUser::line).toList());
            List<OtpUser> cheap = enroll("otp", d.intArg("otp_users", 1000), threads * 2,
                    cheapHash, mfa);
            write("otp-users.tsv", cheap.stream().map(OtpUser::line).toList());
            mintMfaTokens(cheap, mfa, threads * 2);
            refreshPool("refresh-tokens.txt", "", d.intArg("refresh_families", 64), cheapHash,
                    app, threads * 2);
            refreshPool("refresh-tokens-es256.txt", "https://api.bench.test/es256",
                    d.intArg("refresh_families", 64), cheapHash, appEs, threads * 2);
            System.out.printf("setup done in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        }

        Answer mgmt(String path, String body) {
            return d.json("api/v2/" + path, mgmtToken, body);
        }

        void api(String identifier, String alg) {
            d.expect(mgmt("resource-servers", "{\"identifier\":\"" + identifier
                    + "\",\"name\":\"" + alg + " API\",\"signing_alg\":\"" + alg
                    + "\",\"allow_offline_access\":true,\"scopes\":[{\"value\":\"read:data\",\"description\":\"read\"}]}"),
                    201, "resource server");
        }

        String[] client(String name, String type, String policy, String... grants) {
            return clientSigning(name, type, policy, "RS256", grants);
        }

        /** A client whose ID tokens are signed with {@code idTokenAlg}. */
        String[] clientSigning(String name, String type, String policy, String idTokenAlg,
                               String... grants) {
            String grantList = String.join("\",\"", grants);
            Answer answer = d.expect(mgmt("clients", "{\"name\":\"" + name
                    + "\",\"jwt_configuration\":{\"alg\":\"" + idTokenAlg + "\"}"
                    + ",\"app_type\":\"" + type + "\",\"token_endpoint_auth_method\":"
                    + "\"client_secret_post\",\"grant_types\":[\"" + grantList + "\"],"
                    + "\"callbacks\":[\"http://127.0.0.1:9/callback\"],\"mfa_policy\":\""
                    + policy + "\"}"), 201, "client " + name);
            return new String[] {answer.field("client_id"), answer.field("client_secret")};
        }

        void grant(String clientId, String audience) {
            d.expect(mgmt("client-grants", "{\"client_id\":\"" + clientId + "\",\"audience\":\""
                    + audience + "\",\"scope\":[\"read:data\"]}"), 201, "client grant");
        }

        void createUser(String email, String bcrypt) {
            String secret = bcrypt == null ? "\"password\":\"" + PASSWORD + "\""
                    : "\"password_hash\":\"" + bcrypt + "\"";
            d.expect(mgmt("users", "{\"connection\":\"Username-Password-Authentication\","
                    + "\"email\":\"" + email + "\",\"email_verified\":true," + secret + "}"),
                    201, "user " + email);
        }

        void users(String prefix, int count, int threads, String bcrypt) throws Exception {
            parallel(count, threads, i -> {
                createUser(prefix + "-" + i + "@bench.test", bcrypt);
                return null;
            });
        }

        List<OtpUser> enroll(String prefix, int count, int threads, String bcrypt,
                             String[] mfa) throws Exception {
            return parallel(count, threads, i -> {
                String email = prefix + "-" + i + "@bench.test";
                createUser(email, bcrypt);
                String mfaToken = d.expect(d.form("oauth/token", fields("grant_type", "password",
                        "client_id", mfa[0], "client_secret", mfa[1], "username", email,
                        "password", PASSWORD, "scope", "openid")), 403, "mfa_required")
                        .field("mfa_token");
                String secret = d.expect(d.json("mfa/associate", mfaToken,
                        "{\"authenticator_types\":[\"otp\"]}"), 200, "associate").field("secret");
                OtpUser user = new OtpUser(email, base32(secret), 0);
                long step = user.claim();
                d.expect(d.form("oauth/token", fields("grant_type", MFA_OTP, "client_id", mfa[0],
                        "client_secret", mfa[1], "mfa_token", mfaToken,
                        "otp", totp(user.key, step))), 200, "confirm otp");
                return user;
            });
        }

        void mintMfaTokens(List<OtpUser> users, String[] mfa, int threads) throws Exception {
            int perUser = d.intArg("tokens_per_user", 2);
            List<String> lines = parallel(users.size(), threads, i -> {
                StringBuilder tokens = new StringBuilder(users.get(i).email);
                for (int k = 0; k < perUser; k++) {
                    tokens.append('\t').append(d.expect(d.form("oauth/token", fields(
                            "grant_type", "password", "client_id", mfa[0], "client_secret", mfa[1],
                            "username", users.get(i).email, "password", PASSWORD,
                            "scope", "openid")), 403, "mfa_required").field("mfa_token"));
                }
                return tokens.toString();
            });
            write("otp-tokens.tsv", lines);
        }

        /**
         * Logs in {@code families} new users with {@code app} (for {@code audience}, or the
         * default one when empty) and writes their refresh tokens to {@code file}.
         */
        void refreshPool(String file, String audience, int families, String bcrypt,
                         String[] app, int threads) throws Exception {
            List<String> tokens = parallel(families, threads, i -> {
                String email = file.replace(".txt", "") + "-" + i + "@bench.test";
                createUser(email, bcrypt);
                Map<String, String> login = fields("grant_type", "password",
                        "client_id", app[0], "client_secret", app[1], "username", email,
                        "password", PASSWORD, "scope", "openid offline_access");
                if (!audience.isEmpty()) {
                    login.put("audience", audience);
                    login.put("scope", "openid offline_access read:data");
                }
                return d.expect(d.form("oauth/token", login), 200, "password login")
                        .field("refresh_token");
            });
            write(file, tokens);
        }

        void write(String name, List<String> lines) throws IOException {
            Files.write(d.dir().resolve(name), lines);
        }
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    // ---- Load --------------------------------------------------------------------------------

    /** One unit of work of a flow: OK, FAILED, or EXHAUSTED (no more input; stop). */
    interface Unit {
        int OK = 1;
        int FAILED = 0;
        int EXHAUSTED = -1;

        int run(int worker);
    }

    static int ok(boolean success) {
        return success ? Unit.OK : Unit.FAILED;
    }

    static final class Load {
        final BenchDriver d;
        final Properties setup = new Properties();

        Load(BenchDriver d) {
            this.d = d;
        }

        void run() throws Exception {
            try (var reader = Files.newBufferedReader(d.dir().resolve("setup.properties"))) {
                setup.load(reader);
            }
            String flow = d.args.get("flow");
            Unit unit = switch (flow) {
                case "mfa-login" -> mfaLogin();
                case "mfa-otp" -> mfaOtp();
                case "authcode" -> authorizationCode();
                default -> throw new IllegalArgumentException("unknown flow " + flow);
            };
            measure(flow, unit);
        }

        /** password (403 mfa_required) then mfa-otp with a fresh code: one login. */
        Unit mfaLogin() throws IOException {
            List<OtpUser> users = Files.readAllLines(d.dir().resolve("mfa-users.tsv")).stream()
                    .map(OtpUser::parse).toList();
            AtomicInteger next = new AtomicInteger();
            String id = setup.getProperty("mfa_id");
            String secret = setup.getProperty("mfa_secret");
            return worker -> {
                for (int tries = 0; tries < users.size(); tries++) {
                    OtpUser user = users.get(Math.floorMod(next.getAndIncrement(), users.size()));
                    long step = user.claim();
                    if (step < 0) {
                        continue;
                    }
                    Answer first = d.form("oauth/token", fields("grant_type", "password",
                            "client_id", id, "client_secret", secret, "username", user.email,
                            "password", PASSWORD, "scope", "openid"));
                    if (first.status() != 403) {
                        return Unit.FAILED;
                    }
                    return ok(d.form("oauth/token", fields("grant_type", MFA_OTP, "client_id", id,
                            "client_secret", secret, "mfa_token", first.field("mfa_token"),
                            "otp", totp(user.key, step))).status() == 200);
                }
                return Unit.EXHAUSTED; // every user has spent the steps the window allows
            };
        }

        /** mfa-otp alone, with pre-minted mfa_tokens of users whose password is cheap. */
        Unit mfaOtp() throws IOException {
            Map<String, OtpUser> byEmail = new HashMap<>();
            Files.readAllLines(d.dir().resolve("otp-users.tsv")).stream().map(OtpUser::parse)
                    .forEach(user -> byEmail.put(user.email, user));
            ConcurrentLinkedQueue<String[]> work = new ConcurrentLinkedQueue<>();
            List<String> lines = Files.readAllLines(d.dir().resolve("otp-tokens.tsv"));
            int columns = lines.get(0).split("\t").length;
            for (int k = 1; k < columns; k++) {
                for (String line : lines) {
                    String[] parts = line.split("\t");
                    work.add(new String[] {parts[0], parts[k]});
                }
            }
            String id = setup.getProperty("mfa_id");
            String secret = setup.getProperty("mfa_secret");
            return worker -> {
                String[] item = work.poll();
                if (item == null) {
                    return Unit.EXHAUSTED;
                }
                OtpUser user = byEmail.get(item[0]);
                long step = user.claim();
                if (step < 0) {
                    return Unit.EXHAUSTED;
                }
                return ok(d.form("oauth/token", fields("grant_type", MFA_OTP, "client_id", id,
                        "client_secret", secret, "mfa_token", item[1],
                        "otp", totp(user.key, step))).status() == 200);
            };
        }

        /** GET /authorize, GET /login, POST /login (CSRF + cookie), code exchange with PKCE. */
        Unit authorizationCode() {
            String id = setup.getProperty("app_id");
            String secret = setup.getProperty("app_secret");
            int users = d.intArg("argon_users", 64);
            String redirect = "http://127.0.0.1:9/callback";
            Pattern hidden = Pattern.compile("name=\"(request|csrf)\" value=\"([^\"]*)\"");
            AtomicInteger next = new AtomicInteger();
            return worker -> {
                String verifier = Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(randomBytes(32));
                String challenge = sha256Url(verifier);
                String state = Long.toHexString(RANDOM.nextLong());
                Answer authorize = d.send(d.request("authorize?" + encode(fields(
                        "response_type", "code", "client_id", id, "redirect_uri", redirect,
                        "scope", "openid", "state", state, "code_challenge", challenge,
                        "code_challenge_method", "S256"))).GET().build());
                if (authorize.status() != 302 && authorize.status() != 303) {
                    return Unit.FAILED;
                }
                String cookie = cookies(authorize.raw());
                String location = authorize.raw().headers().firstValue("location").orElse("");
                Answer page = d.send(HttpRequest.newBuilder(URI.create(d.base).resolve(location))
                        .header("Cookie", cookie).GET().build());
                Map<String, String> form = new LinkedHashMap<>();
                Matcher matcher = hidden.matcher(page.body());
                while (matcher.find()) {
                    form.put(matcher.group(1), matcher.group(2).replace("&amp;", "&"));
                }
                form.put("email", "argon-" + Math.floorMod(next.getAndIncrement(), users)
                        + "@bench.test");
                form.put("password", PASSWORD);
                Answer login = d.send(d.request("login").header("Cookie", cookie)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build());
                String back = login.raw() == null ? ""
                        : login.raw().headers().firstValue("location").orElse("");
                Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(back);
                if (!code.find() || !back.contains("state=" + state)) {
                    return Unit.FAILED;
                }
                return ok(d.form("oauth/token", fields("grant_type", "authorization_code",
                        "client_id", id, "client_secret", secret, "code", code.group(1),
                        "redirect_uri", redirect, "code_verifier", verifier)).status() == 200);
            };
        }

        static String cookies(HttpResponse<String> response) {
            List<String> pairs = new ArrayList<>();
            for (String header : response.headers().allValues("set-cookie")) {
                pairs.add(header.split(";", 2)[0]);
            }
            return String.join("; ", pairs);
        }

        static String sha256Url(String text) {
            try {
                return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest
                        .getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Warm-up, then the measured phase; both bounded in time and in count. */
        void measure(String flow, Unit unit) throws Exception {
            int conns = d.intArg("conns", 16);
            long warmupMs = d.intArg("warmup", 5) * 1000L;
            long durationMs = d.intArg("duration", 20) * 1000L;
            int maxUnits = d.intArg("max", 1_000_000);
            phase(unit, conns, warmupMs, d.intArg("warmup_max", 1_000_000), null);
            String pid = d.args.get("pid");
            long ticks0 = ticks(pid);
            long[] latencies = new long[maxUnits];
            AtomicInteger count = new AtomicInteger();
            long t0 = System.nanoTime();
            int failures = phase(unit, conns, durationMs, maxUnits,
                    nanos -> latencies[Math.min(count.getAndIncrement(), maxUnits - 1)] = nanos);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long ticks1 = ticks(pid);
            int n = Math.min(count.get(), maxUnits);
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            double rps = n / seconds;
            double cpuMs = n == 0 ? 0 : (ticks1 - ticks0) * 10.0 / n; // CLK_TCK = 100
            String line = String.join("\t", d.args.getOrDefault("system", "twofold"),
                    d.args.getOrDefault("db", "h2"), flow, String.valueOf(conns),
                    String.format("%.1f", seconds), String.valueOf(n), String.valueOf(failures),
                    String.format("%.1f", rps), ms(percentile(sorted, 0.50)),
                    ms(percentile(sorted, 0.99)), String.format("%.2f", cpuMs),
                    String.valueOf(status(pid, "VmRSS") / 1024),
                    String.valueOf(status(pid, "VmHWM") / 1024));
            System.out.println(line);
            if (d.args.containsKey("results")) {
                Files.writeString(Path.of(d.args.get("results")), line + "\n",
                        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
        }

        /** Runs conns workers until the deadline or the count; answers the failures. */
        int phase(Unit unit, int conns, long millis, int maxUnits,
                  java.util.function.LongConsumer record) throws Exception {
            long deadline = System.nanoTime() + millis * 1_000_000;
            AtomicInteger started = new AtomicInteger();
            AtomicLong failures = new AtomicLong();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < conns; w++) {
                    int worker = w;
                    pool.submit(() -> {
                        while (System.nanoTime() < deadline
                                && started.incrementAndGet() <= maxUnits) {
                            long t = System.nanoTime();
                            int result = unit.run(worker);
                            if (result == Unit.EXHAUSTED) {
                                return;
                            }
                            if (result == Unit.FAILED) {
                                failures.incrementAndGet();
                                if (failures.get() > maxUnits / 10 + 100) {
                                    return;
                                }
                                continue;
                            }
                            if (record != null) {
                                record.accept(System.nanoTime() - t);
                            }
                        }
                    });
                }
            }
            return (int) failures.get();
        }

        static long percentile(long[] sorted, double p) {
            return sorted.length == 0 ? 0
                    : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
        }

        static String ms(long nanos) {
            return String.format("%.2fms", nanos / 1e6);
        }

        static long ticks(String pid) throws IOException {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }

        static long status(String pid, String key) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return 0;
        }
    }
}
