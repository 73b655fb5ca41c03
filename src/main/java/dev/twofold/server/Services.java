package dev.twofold.server;

import dev.twofold.crypto.ClientSecretVerifier;
import dev.twofold.crypto.PasswordHasher;
import dev.twofold.crypto.SecretBox;
import dev.twofold.crypto.SignatureProvider;
import dev.twofold.crypto.SigningKeys;
import dev.twofold.delivery.Channel;
import dev.twofold.delivery.Sender;
import dev.twofold.oauth.Grant;
import dev.twofold.oauth.MfaGate;
import dev.twofold.oauth.TokenIssuer;
import dev.twofold.ops.AuditLog;
import dev.twofold.ops.Metrics;
import dev.twofold.store.ClientStore;
import dev.twofold.store.Database;
import dev.twofold.store.ResourceServerStore;
import dev.twofold.store.TenantSettingsStore;
import dev.twofold.store.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The components of one running node, wired by hand at start-up. The core parts are fixed at
 * construction; the parts that one feature module provides to another (the token issuer, the
 * MFA gate, extra grants) are set by the modules while the server is being built and only read
 * afterwards. Thread-safe after start-up.
 */
public final class Services {

    private final Settings settings;
    private final Clock clock;
    private final Database database;
    private final SecretBox secretBox;
    private final PasswordHasher passwords;
    private final ClientSecretVerifier clientSecrets;
    private final SigningKeys signingKeys;
    private final ClientStore clients;
    private final UserStore users;
    private final ResourceServerStore resourceServers;
    private final TenantSettingsStore tenantSettings;
    private final Metrics metrics = new Metrics();
    private final AuditLog auditLog;
    private volatile String issuer;
    private volatile TokenIssuer tokenIssuer;
    private volatile MfaGate mfaGate = MfaGate.NONE;
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Map<Channel, Sender> senders = new ConcurrentHashMap<>();
    private volatile Set<String> messageLanguages = Set.of("en");
    private final List<Runnable> startHooks = new CopyOnWriteArrayList<>();
    private final List<Runnable> shutdownHooks = new CopyOnWriteArrayList<>();

    public Services(Settings settings, Clock clock, Database database, SecretBox secretBox,
                    PasswordHasher passwords) {
        this.settings = settings;
        this.clock = clock;
        this.database = database;
        this.secretBox = secretBox;
        this.passwords = passwords;
        this.clientSecrets = new ClientSecretVerifier(passwords);
        this.signingKeys = new SigningKeys(database, secretBox, clock,
                signatureProvider(settings), keyCacheTime(settings));
        this.clients = new ClientStore(database);
        this.users = new UserStore(database);
        this.resourceServers = new ResourceServerStore(database);
        this.tenantSettings = new TenantSettingsStore(database);
        this.auditLog = new AuditLog(database, clock, metrics,
                settings.getBoolean(Setting.AUDIT_STDOUT) ? System.out : null);
    }

    /** The signing key cache time; checked before the database opens as well. */
    static Duration keyCacheTime(Settings settings) {
        Duration time = settings.getDuration(Setting.SIGNING_KEY_CACHE_TTL);
        if (time.isNegative()) {
            throw new Settings.ConfigurationException("TWOFOLD_SIGNING_KEY_CACHE_TTL is "
                    + time + "; set it to zero or more, e.g. PT15S.");
        }
        return time;
    }

    private static SignatureProvider signatureProvider(Settings settings) {
        return nativeCrypto(settings) ? SignatureProvider.loadingInBackground()
                : SignatureProvider.jdk();
    }

    /**
     * TWOFOLD_CRYPTO_PROVIDER: whether signatures and password hashes use native libraries
     * where they load ({@code auto}) or stay in Java ({@code jdk}).
     */
    static boolean nativeCrypto(Settings settings) {
        String choice = settings.string(Setting.CRYPTO_PROVIDER);
        return switch (choice) {
            case "auto" -> true;
            case "jdk" -> false;
            default -> throw new Settings.ConfigurationException("TWOFOLD_CRYPTO_PROVIDER is "
                    + choice + "; set it to auto (native signatures where they load) or jdk.");
        };
    }

    public Settings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    public Database database() {
        return database;
    }

    public SecretBox secretBox() {
        return secretBox;
    }

    public PasswordHasher passwords() {
        return passwords;
    }

    /** Checks client secrets; remembers the ones that passed (see ClientSecretVerifier). */
    public ClientSecretVerifier clientSecrets() {
        return clientSecrets;
    }

    public SigningKeys signingKeys() {
        return signingKeys;
    }

    public ClientStore clients() {
        return clients;
    }

    public UserStore users() {
        return users;
    }

    public ResourceServerStore resourceServers() {
        return resourceServers;
    }

    public TenantSettingsStore tenantSettings() {
        return tenantSettings;
    }

    /** Meters and domain counters ({@code services.metrics().login("success")}). */
    public Metrics metrics() {
        return metrics;
    }

    /** The audit log of security events ({@code services.auditLog().record(…)}). */
    public AuditLog auditLog() {
        return auditLog;
    }

    /** The issuer identifier, ending in a slash, e.g. {@code http://127.0.0.1:8080/}. */
    public String issuer() {
        return issuer;
    }

    void issuer(String value) {
        this.issuer = value;
    }

    /** The audience of the MFA API: {@code {issuer}mfa/}. */
    public String mfaAudience() {
        return issuer + "mfa/";
    }

    /** The audience of the Management API: {@code {issuer}api/v2/}. */
    public String managementAudience() {
        return issuer + "api/v2/";
    }

    public TokenIssuer tokenIssuer() {
        if (tokenIssuer == null) {
            throw new IllegalStateException("No token issuer was installed");
        }
        return tokenIssuer;
    }

    public void tokenIssuer(TokenIssuer value) {
        this.tokenIssuer = value;
    }

    public MfaGate mfaGate() {
        return mfaGate;
    }

    public void mfaGate(MfaGate value) {
        this.mfaGate = value;
    }

    /** Adds a grant to the token endpoint. */
    public void addGrant(Grant grant) {
        grants.put(grant.grantType(), grant);
    }

    public Optional<Grant> grant(String grantType) {
        return Optional.ofNullable(grants.get(grantType));
    }

    /**
     * Runs once the HTTP server listens and {@link #issuer()} is known (with port 0 the issuer
     * is only known then): the place for start-up work that needs the issuer.
     */
    public void onStarted(Runnable hook) {
        startHooks.add(hook);
    }

    void started() {
        startHooks.forEach(Runnable::run);
    }

    /** Sets the sender of a channel (the delivery module does, from configuration). */
    public void sender(Channel channel, Sender sender) {
        senders.put(channel, sender);
    }

    /** The sender of a channel. */
    public Sender sender(Channel channel) {
        Sender sender = senders.get(channel);
        if (sender == null) {
            throw new IllegalStateException("No sender is configured for " + channel);
        }
        return sender;
    }

    /** Sets the languages codes can be sent in (the delivery module does, from templates). */
    public void messageLanguages(Set<String> languages) {
        messageLanguages = Set.copyOf(languages);
    }

    /** The languages (ISO 639 codes such as {@code de}) codes can be sent in. */
    public Set<String> messageLanguages() {
        return messageLanguages;
    }

    /** Runs when the node stops, after the HTTP server has stopped. */
    public void onShutdown(Runnable hook) {
        shutdownHooks.add(hook);
    }

    void shutdown() {
        shutdownHooks.forEach(Runnable::run);
        auditLog.close();
    }
}
