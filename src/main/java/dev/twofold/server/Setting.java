package dev.twofold.server;

import static dev.twofold.server.Setting.Section.DELIVERY;
import static dev.twofold.server.Setting.Section.HOSTED_LOGIN;
import static dev.twofold.server.Setting.Section.HTTP;
import static dev.twofold.server.Setting.Section.LIMITS;
import static dev.twofold.server.Setting.Section.MANAGEMENT;
import static dev.twofold.server.Setting.Section.MFA;
import static dev.twofold.server.Setting.Section.OPERATIONS;
import static dev.twofold.server.Setting.Section.PASSWORDS;
import static dev.twofold.server.Setting.Section.SERVER;
import static dev.twofold.server.Setting.Section.SMTP;
import static dev.twofold.server.Setting.Section.TEXTS;
import static dev.twofold.server.Setting.Section.TOKENS;
import static dev.twofold.server.Setting.Section.TWILIO;
import static dev.twofold.server.Setting.Section.WEBHOOK;

import java.util.Arrays;
import java.util.Optional;

/**
 * The catalogue of every setting of a Twofold node: its name ({@code TWOFOLD_} and the
 * constant's name), the section of docs/configuration.md that lists it, its default and one
 * line of documentation, and whether it is a secret. {@link Settings} reads values only
 * through these constants, docs/configuration.md's tables are generated from them
 * ({@link ConfigurationReference}) and the start-up log prints each with its effective value.
 *
 * <p>Adding a setting is one line here (keep each section's lines together); a default of
 * {@code value("…")} is what the code uses when the setting is not set, {@code none("…")}
 * describes a default the code computes or the absence of one. The lines pass 100 columns on
 * purpose: one setting per line keeps parallel additions from conflicting. Immutable.
 */
public enum Setting {
    CONFIG_FILE(SERVER, none("none"), "Path of a properties file with more `TWOFOLD_*` settings; environment variables override it."),
    HOST(SERVER, value("127.0.0.1"), "Address the HTTP server binds to; `0.0.0.0` in a container."),
    PORT(SERVER, value("8080"), "Port of the HTTP server; `0` picks a free one."),
    ISSUER(SERVER, none("dev: `http://{host}:{port}/`; production: required"), "Public base URL of the server, the `iss` of every token; a trailing slash is added."),
    DATA_DIR(SERVER, value("./data"), "Development mode: folder of the embedded H2 database and the generated encryption key."),
    DB_URL(SERVER, none("dev: embedded H2 under the data folder; production: required"), "JDBC URL of PostgreSQL, e.g. `jdbc:postgresql://db:5432/twofold`.", Secret.YES),
    DB_USER(SERVER, none("none"), "Database user name."),
    DB_PASSWORD(SERVER, none("none"), "Database password.", Secret.YES),
    DB_SCHEMA(SERVER, none("the database default"), "Schema for Twofold's tables; created if missing."),
    DB_POOL_SIZE(SERVER, value("16"), "Largest number of database connections of this node."),
    CONFIG_CACHE_TTL(SERVER, value("PT1S"), "How long a node keeps a client, API or client grant it read; other nodes' changes reach it within this time (`0`: no cache). See [several-nodes.md](several-nodes.md)."),
    SIGNING_KEY_CACHE_TTL(SERVER, value("PT15S"), "How long a node keeps the signing key set it read before reading it again; a key rotated by another node or by `twofold keys rotate` is used and published by this node within this time (a token signed with a key id the node does not know makes it read the set at once). See [several-nodes.md](several-nodes.md#signing-keys-and-the-key-cache)."),
    TRUSTED_PROXIES(SERVER, none("none"), "Comma-separated IP addresses and CIDR blocks of reverse proxies or load balancers (e.g. `10.0.0.0/8, fd00::/8`). A request from one of them has as client IP the right-most address of `X-Forwarded-For` that is not itself listed; from any other peer the header is ignored. The client IP feeds the password and sending limits, the audit log and the logs. See [several-nodes.md](several-nodes.md#behind-a-reverse-proxy-or-load-balancer)."),
    ENCRYPTION_KEY(SERVER, none("dev: generated into the data folder; production: required"), "Base64 of 32 random bytes (`openssl rand -base64 32`) that encrypts secrets at rest.", Secret.YES),
    ARGON2_MEMORY_KIB(SERVER, value("19456"), "Argon2id memory per password hash, in KiB (OWASP minimum); `bin/twofold` sizes the heap from it."),
    ARGON2_ITERATIONS(SERVER, value("2"), "Argon2id iterations per password hash."),
    ARGON2_PARALLELISM(SERVER, value("1"), "Argon2id lanes per password hash."),
    JAVA_OPTS(SERVER, none("none"), "Extra JVM flags that `bin/twofold` adds last, overriding its own (read by the script, not the server; docs/operations.md lists its own)."),
    CRYPTO_PROVIDER(SERVER, value("auto"), "`auto`: JWS signatures (RS256, ES256) through Amazon Corretto Crypto Provider where its native library loads (Linux x86-64; it loads in the background at start, and the first signatures until then are the JDK's), else the JDK's, and Argon2id through the system's libsodium where it is installed (Debian: `libsodium23`), else Bouncy Castle; `jdk`: always Java for both."),

    LOG_LEVEL(OPERATIONS, value("INFO"), "Level of Twofold's own loggers; `DEBUG` adds why requests were refused (read from the environment by `ops.LogSetup`)."),
    LOG_FORMAT(OPERATIONS, value("text"), "`text` for human-readable log lines, `json` for one JSON object per line."),
    MANAGEMENT_PORT(OPERATIONS, value("9090"), "Port serving `/metrics` and the health checks; `0` any free port, `same` the main port, `off` none."),
    MANAGEMENT_HOST(OPERATIONS, none("the value of `TWOFOLD_HOST`"), "Address the management port binds to."),
    AUDIT_STDOUT(OPERATIONS, value("false"), "`true` also prints every audit log entry to standard output as a JSON line."),

    MFA_MAX_FAILURES(MFA, value("10"), "Failed second-factor verifications per user (across all nodes) before verification locks."),
    MFA_LOCKOUT(MFA, value("PT15M"), "How long verification and challenges stay locked after too many failures."),

    PASSWORD_MAX_FAILURES(PASSWORDS, value("10"), "Wrong passwords for one email from one IP address (across all nodes) before that address is blocked for that email."),
    PASSWORD_LOCKOUT(PASSWORDS, value("PT15M"), "How long such a block lasts, and the window in which wrong passwords are counted."),

    REFRESH_TOKEN_LIFETIME(TOKENS, value("P30D"), "Absolute lifetime of a refresh-token family (rotation does not extend it)."),

    SESSION_LIFETIME(HOSTED_LOGIN, value("P3D"), "Lifetime of a browser session (`twofold_session` cookie)."),
    REMEMBER_DEVICE_DAYS(HOSTED_LOGIN, value("30"), "Days a remembered browser skips the second factor."),
    MFA_RESEND_COOLDOWN(HOSTED_LOGIN, value("PT30S"), "Least time between two SMS, voice or email codes to one factor from the hosted MFA page."),
    BRAND_LOGO_URL(HOSTED_LOGIN, none("none"), "Logo shown on every hosted page: an absolute `https` URL (its origin is added to the page's `img-src`); anything else stops start-up."),
    BRAND_COLOR(HOSTED_LOGIN, value("#1d4ed8"), "Primary colour of the hosted pages' buttons and links: `#rgb` or `#rrggbb` only, so it cannot carry CSS; the button text is black or white, whichever contrasts better."),

    SMS_PROVIDER(DELIVERY, value("console"), "`console`, `twilio` or `webhook`."),
    VOICE_PROVIDER(DELIVERY, value("console"), "`console`, `twilio` or `webhook`."),
    EMAIL_PROVIDER(DELIVERY, value("console"), "`console`, `smtp` or `webhook`."),
    DELIVERY_CONNECT_TIMEOUT(DELIVERY, value("PT5S"), "Time to open a connection to a provider (HTTP or SMTP)."),
    DELIVERY_TIMEOUT(DELIVERY, value("PT10S"), "Time to wait for a provider's answer."),

    TWILIO_BASE_URL(TWILIO, value("https://api.twilio.com"), "https URL of the Twilio-compatible API (http only to 127.0.0.1/localhost)."),
    TWILIO_ACCOUNT_SID(TWILIO, none("required"), "Account SID, `AC…`."),
    TWILIO_AUTH_TOKEN(TWILIO, none("required"), "Auth token.", Secret.YES),
    TWILIO_FROM(TWILIO, none("required"), "Sending number in E.164, e.g. `+15555550000`."),

    WEBHOOK_URL(WEBHOOK, none("required"), "https URL that receives the JSON document (http only to 127.0.0.1/localhost)."),
    WEBHOOK_SECRET(WEBHOOK, none("required"), "Shared HMAC-SHA256 key, at least 32 characters (`openssl rand -hex 32`).", Secret.YES),

    SMTP_HOST(SMTP, none("required"), "Mail server host name."),
    SMTP_PORT(SMTP, none("587 for `starttls`, 465 for `tls`, 25 for `none`"), "Port of the mail server."),
    SMTP_TLS(SMTP, value("starttls"), "`starttls` (required, not opportunistic), `tls` (implicit) or `none`."),
    SMTP_USERNAME(SMTP, none("none"), "Login; without it no authentication is attempted."),
    SMTP_PASSWORD(SMTP, none("none"), "Password of the login.", Secret.YES),
    SMTP_FROM(SMTP, none("required"), "Sender, e.g. `Acme <no-reply@acme.example>`."),
    SMTP_CA_FILE(SMTP, none("the JDK's CAs"), "PEM file of the certificates (a private CA, or the server's own self-signed certificate) trusted for the mail server *instead of* the JDK's CAs; the host name is still checked. Unused with `none`."),

    PRODUCT_NAME(TEXTS, value("Twofold"), "Product name in every message, on the hosted pages and in authenticator apps."),
    DELIVERY_TEMPLATES_FILE(TEXTS, none("built-in English and German"), "UTF-8 properties file overriding or adding texts (see delivery.md)."),
    PHONE_DEFAULT_REGION(TEXTS, value("US"), "ISO 3166 code for numbers written without `+`."),

    PHONE_LIMIT_PER_USER(LIMITS, value("10/PT1H"), "SMS + voice per user."),
    PHONE_LIMIT_PER_DESTINATION(LIMITS, value("10/PT1H"), "SMS + voice per phone number."),
    PHONE_LIMIT_PER_IP(LIMITS, value("50/PT1M"), "SMS + voice per client IP address."),
    PHONE_LIMIT_PER_COUNTRY(LIMITS, value("1000/PT6S"), "SMS + voice per country calling code (toll-fraud brake)."),
    EMAIL_LIMIT_PER_USER(LIMITS, value("20/PT1M"), "Emails per user."),
    EMAIL_LIMIT_PER_DESTINATION(LIMITS, value("20/PT1M"), "Emails per address."),
    EMAIL_LIMIT_PER_IP(LIMITS, value("100/PT10S"), "Emails per client IP address."),
    SMS_ALLOWED_COUNTRIES(LIMITS, value(""), "Comma-separated ISO 3166 codes, e.g. `US,CA,DE`; empty allows all; applies to SMS and voice."),

    BOOTSTRAP_CLIENT_ID(MANAGEMENT, none("generated (`mgmt-…`) in development; none in production"), "Client id of the management client created at first start."),
    BOOTSTRAP_CLIENT_SECRET(MANAGEMENT, none("generated and printed once in development"), "Its secret (stored only as an Argon2id hash).", Secret.YES),
    DEMO_USER(MANAGEMENT, value("true"), "`true`/`false`: create the demo user `demo@example.com` in development mode."),
    USER_PASSWORD(MANAGEMENT, none("generated and printed"), "Password for `twofold user create` when `--password` is not given.", Secret.YES),
    MODE(MANAGEMENT, none("production when `TWOFOLD_DB_URL` is set"), "`dev` makes the command-line tool use development mode even when `TWOFOLD_DB_URL` is set."),

    MAX_BODY_BYTES(HTTP, value("65536"), "Largest request body accepted, in bytes; larger ones get 413 `request_too_large` whose description names the limit and this setting."),
    HTTP_IDLE_TIMEOUT(HTTP, value("PT30S"), "How long a connection may sit idle or stall mid-request before it is closed (stalled bodies get 408)."),
    HTTP_MIN_REQUEST_RATE(HTTP, value("256"), "Slowest average rate, in bytes per second, at which a request body may arrive; only the time spent waiting for the client's bytes counts, so a slow server never refuses a body that has arrived; a client that drips its body more slowly (even one byte just inside the idle timeout) gets 408 once the waiting passes one second; `0` turns the check off. Request headers are bounded only by the idle timeout and their 8 KiB limit.");

    /** The tables of docs/configuration.md, in the order of the document. */
    public enum Section {
        SERVER, OPERATIONS, MFA, PASSWORDS, TOKENS, HOSTED_LOGIN, DELIVERY, TWILIO, WEBHOOK,
        SMTP, TEXTS, LIMITS, MANAGEMENT, HTTP
    }

    /** Whether the value is masked in the start-up log and in the reference. */
    public enum Secret { YES, NO }

    /**
     * The default: {@code value} is what the code uses when the setting is not set (empty
     * when the code has no single default value); {@code text} is how the reference shows it.
     */
    public record Default(Optional<String> value, String text) {
    }

    private final Section section;
    private final Default fallback;
    private final String documentation;
    private final Secret secret;

    Setting(Section section, Default fallback, String documentation) {
        this(section, fallback, documentation, Secret.NO);
    }

    Setting(Section section, Default fallback, String documentation, Secret secret) {
        this.section = section;
        this.fallback = fallback;
        this.documentation = documentation;
        this.secret = secret;
    }

    /** The environment variable, e.g. {@code TWOFOLD_HOST}. */
    public String key() {
        return "TWOFOLD_" + name();
    }

    public Section section() {
        return section;
    }

    public Default fallback() {
        return fallback;
    }

    public String documentation() {
        return documentation;
    }

    public boolean isSecret() {
        return secret == Secret.YES;
    }

    /** The setting named {@code key} ({@code TWOFOLD_…}), if the catalogue has it. */
    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(setting -> setting.key().equals(key)).findFirst();
    }

    private static Default value(String value) {
        return new Default(Optional.of(value), value.isEmpty() ? "empty" : "`" + value + "`");
    }

    private static Default none(String text) {
        return new Default(Optional.empty(), text);
    }
}
