package dev.twofold.server;

import dev.twofold.crypto.PasswordHasher;
import dev.twofold.crypto.SecretBox;
import dev.twofold.delivery.DeliveryModule;
import dev.twofold.login.LoginModule;
import dev.twofold.management.ManagementModule;
import dev.twofold.mfa.MfaModule;
import dev.twofold.oauth.OAuthModule;
import dev.twofold.ops.OpsModule;
import dev.twofold.store.Database;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.json.JavalinJackson;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Twofold node: the HTTP server with every feature module installed on a shared set of
 * {@link Services}. Tests build it with a random port and a fresh database; {@link Main}
 * builds it from the environment.
 */
public final class TwofoldServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TwofoldServer.class);

    private final Services services;
    private final Javalin app;

    private TwofoldServer(Services services, Javalin app) {
        this.services = services;
        this.app = app;
    }

    /** Builds and starts a node. */
    public static TwofoldServer start(Settings settings, Clock clock) {
        long started = System.nanoTime();
        // Checked before anything opens: a refused start must not leave a port listening
        // (the issuer is read again once the port is bound, for the development default).
        settings.issuer(0);
        Services services = openServices(settings, clock);
        Database database = services.database();
        // First start generates an RSA key (CPU-bound); overlap it with building the routes.
        var keysReady = java.util.concurrent.CompletableFuture.runAsync(
                services.signingKeys()::ensureKeys);
        // Loading libsodium (JNA) takes a while too; the start-up line below waits for it.
        java.util.concurrent.CompletableFuture.runAsync(services.passwords()::implementation);

        Javalin app = Javalin.create(config -> {
            config.useVirtualThreads = true;
            config.showJavalinBanner = false;
            config.appData(ClientIp.KEY, TrustedProxies.from(settings));
            config.http.maxRequestSize = settings.maxBodyBytes();
            // Multipart forms (user import files) are read by Jetty, not bounded by the above:
            // Auth0's import limit of 500 KB per file, kept in memory, never on disk.
            config.jetty.multipartConfig.maxFileSize(500 * 1024, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(512 * 1024,
                    SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(512 * 1024,
                    SizeUnit.BYTES);
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.router.ignoreTrailingSlashes = true;
            // A known path asked with another method is 405 with Allow (RFC 9110 §15.5.6).
            config.http.prefer405over404 = true;
            config.jetty.modifyServer(server -> server.setStopTimeout(2_000));
            // A client that stalls mid-body is refused as such, not counted as a server fault.
            config.jetty.timeoutStatus = 408;
            config.jetty.clientAbortStatus = 400;
            config.jetty.modifyServer(server -> JettyErrors.install(server, settings
                    .getDuration(Setting.HTTP_IDLE_TIMEOUT).toMillis()));
            config.jetty.modifyServletContextHandler(context -> BodyRateFilter.install(
                    context, settings.getInt(Setting.HTTP_MIN_REQUEST_RATE)));
        });
        ErrorResponses.install(app, settings.maxBodyBytes());
        SecurityHeaders.install(app);
        OpsModule.install(services, app);
        Cors.install(app, services);

        OAuthModule.install(services, app);
        MfaModule.install(services, app);
        LoginModule.install(services, app);
        ManagementModule.install(services, app);
        DeliveryModule.install(services, app);

        TwofoldServer server = new TwofoldServer(services, app);
        try {
            keysReady.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        app.start(settings.host(), settings.port());
        services.issuer(settings.issuer(app.port()));
        services.started();

        LOG.info("Twofold {} ready at {} in {} ms ({} database, {} signatures, Argon2id in {})",
                settings.isDev() ? "development node" : "node", services.issuer(),
                (System.nanoTime() - started) / 1_000_000,
                database.isPostgres() ? "PostgreSQL" : "H2",
                services.signingKeys().provider().name(), services.passwords().implementation());
        int processors = Runtime.getRuntime().availableProcessors();
        if (!services.passwords().implementation().equals("libsodium")
                && services.passwords().javaHashesAtOnce() < processors) {
            LOG.warn("Argon2id runs in Java and the heap has room for {} hash(es) at once on {}"
                    + " processors: further logins wait for them. Give the JVM more heap"
                    + " (TWOFOLD_JAVA_OPTS=-Xmx…), or let libsodium hash: it needs"
                    + " TWOFOLD_CRYPTO_PROVIDER=auto, TWOFOLD_ARGON2_PARALLELISM=1 and"
                    + " libsodium installed.", services.passwords().javaHashesAtOnce(), processors);
        }
        if (!settings.isDev() && services.passwords().belowOwaspMinimum()) {
            LOG.warn("Password hashes use Argon2id with {} KiB and {} iteration(s), below OWASP's"
                    + " minimum (19456 KiB with 2, or 7168 KiB with 5): stolen hashes are cheaper"
                    + " to crack. Raise TWOFOLD_ARGON2_MEMORY_KIB or TWOFOLD_ARGON2_ITERATIONS.",
                    settings.getInt(Setting.ARGON2_MEMORY_KIB),
                    settings.getInt(Setting.ARGON2_ITERATIONS));
        }
        return server;
    }

    /**
     * The core services of a node without its HTTP server: the database (migrated), the
     * at-rest key and the password hasher. The administrative commands use them directly.
     */
    static Services openServices(Settings settings, Clock clock) {
        // The key before the database: a refused start leaves no connection pool behind.
        SecretBox box = EncryptionKeySource.secretBox(settings);
        Services.keyCacheTime(settings);
        Database database = Database.open(settings);
        PasswordHasher passwords = new PasswordHasher(
                settings.getInt(Setting.ARGON2_MEMORY_KIB),
                settings.getInt(Setting.ARGON2_ITERATIONS),
                settings.getInt(Setting.ARGON2_PARALLELISM),
                Services.nativeCrypto(settings));
        return new Services(settings, clock, database, box, passwords);
    }

    public Services services() {
        return services;
    }

    public int port() {
        return app.port();
    }

    public String issuer() {
        return services.issuer();
    }

    @Override
    public void close() {
        try {
            app.stop();
        } catch (io.javalin.util.JavalinException e) {
            if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
            }
            // Jetty gave up waiting for in-flight requests (stop timeout); stop the rest anyway.
            LOG.warn("HTTP requests were still running when the node stopped");
        }
        services.shutdown();
        services.database().close();
        LOG.info("Twofold stopped ({})", services.issuer());
    }

    /** For tests: the Javalin application, to add routes around the modules. */
    public Javalin app() {
        return Objects.requireNonNull(app);
    }
}
