package dev.twofold.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.twofold.crypto.PasswordHasher;
import dev.twofold.mfa.totp.Totp;
import dev.twofold.mfa.totp.TotpVerifier;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The fixed costs inside Twofold's requests, each measured alone on one thread: signing an
 * access token (RS256, ES256; JDK provider and Amazon Corretto Crypto Provider), Ed25519 with
 * the JDK, Argon2id verification (OWASP parameters and the benchmark's Keycloak-equal ones;
 * libsodium where it loads, and Java),
 * TOTP verification, and one database round trip (H2 in memory, PostgreSQL on loopback).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FixedCosts {

    static final String PASSWORD = "Bench-Passw0rd!";

    /** A typical access token's claims. */
    static JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().issuer("http://127.0.0.1:18080/")
                .subject("auth0|dev_" + UUID.randomUUID()).audience("https://api.bench.test/rs256")
                .expirationTime(new Date(System.currentTimeMillis() + 86_400_000L))
                .issueTime(new Date()).jwtID(UUID.randomUUID().toString())
                .claim("client_id", "GNPKml8DzE-TP9H618iWE5i8MygSoV57")
                .claim("scope", "read:data").claim("amr", List.of("pwd", "otp", "mfa"))
                .build();
    }

    @State(Scope.Benchmark)
    public static class Signers {
        JWTClaimsSet claims;
        JWSSigner rsaJdk;
        JWSSigner ecJdk;
        JWSSigner rsaAccp;
        JWSSigner ecAccp;
        JWSHeader rsaHeader;
        JWSHeader ecHeader;
        KeyPair ed25519;

        @Setup
        public void setUp() throws Exception {
            claims = claims();
            RSAKey rsa = new RSAKeyGenerator(2048).keyID("rs").generate();
            ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("es").generate();
            rsaJdk = new RSASSASigner(rsa);
            ecJdk = new ECDSASigner(ec);
            rsaHeader = new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt"))
                    .keyID("rs").build();
            ecHeader = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("at+jwt"))
                    .keyID("es").build();
            Provider accp = Accp.provider();
            if (accp != null) {
                rsaAccp = new RSASSASigner(rsa);
                rsaAccp.getJCAContext().setProvider(accp);
                ecAccp = new ECDSASigner(ec);
                ecAccp.getJCAContext().setProvider(accp);
            }
            ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }
    }

    /** Loads ACCP if its native library works on this machine; null (and says why) if not. */
    static final class Accp {
        static Provider provider() {
            try {
                Class<?> type = Class.forName(
                        "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
                Provider provider = (Provider) type.getField("INSTANCE").get(null);
                type.getMethod("assertHealthy").invoke(provider);
                Security.addProvider(provider);
                return provider;
            } catch (Throwable e) {
                System.out.println("# ACCP NOT loaded: " + e);
                return null;
            }
        }
    }

    static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims)
            throws JOSEException {
        if (signer == null) {
            throw new IllegalStateException("provider not available");
        }
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    @Benchmark
    public String signRs256Jdk(Signers s) throws JOSEException {
        return sign(s.rsaJdk, s.rsaHeader, s.claims);
    }

    @Benchmark
    public String signEs256Jdk(Signers s) throws JOSEException {
        return sign(s.ecJdk, s.ecHeader, s.claims);
    }

    @Benchmark
    public String signRs256Accp(Signers s) throws JOSEException {
        return sign(s.rsaAccp, s.rsaHeader, s.claims);
    }

    @Benchmark
    public String signEs256Accp(Signers s) throws JOSEException {
        return sign(s.ecAccp, s.ecHeader, s.claims);
    }

    /** Ed25519 with the JDK's own provider (Nimbus signs Ed25519 only through Google Tink). */
    @Benchmark
    public byte[] signEd25519JdkRaw(Signers s) throws Exception {
        Signature signature = Signature.getInstance("Ed25519");
        signature.initSign(s.ed25519.getPrivate());
        signature.update(s.claims.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return signature.sign();
    }

    /** Nimbus's Ed25519 signer; its setup fails when Google Tink is not on the class path. */
    @State(Scope.Benchmark)
    public static class NimbusEd25519 {
        JWSSigner signer;
        JWSHeader header;
        JWTClaimsSet claims;

        @Setup
        public void setUp() throws Exception {
            com.nimbusds.jose.jwk.OctetKeyPair key =
                    new com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator(Curve.Ed25519)
                            .keyID("ed").generate();
            signer = new com.nimbusds.jose.crypto.Ed25519Signer(key);
            header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("ed").build();
            claims = claims();
        }
    }

    @Benchmark
    public String signEd25519Nimbus(NimbusEd25519 s) throws JOSEException {
        return sign(s.signer, s.header, s.claims);
    }

    @State(Scope.Benchmark)
    public static class Hashes {
        PasswordHasher owasp;
        String owaspHash;
        PasswordHasher keycloakEqual;
        String keycloakEqualHash;
        PasswordHasher owaspJava;
        PasswordHasher keycloakEqualJava;

        @Setup
        public void setUp() {
            owasp = PasswordHasher.owasp();
            owaspHash = owasp.hash(PASSWORD);
            keycloakEqual = new PasswordHasher(7168, 5, 1);
            keycloakEqualHash = keycloakEqual.hash(PASSWORD);
            owaspJava = new PasswordHasher(19 * 1024, 2, 1, false);
            keycloakEqualJava = new PasswordHasher(7168, 5, 1, false);
        }
    }

    /**
     * Argon2id at OWASP's parameters (19 MiB, 2 iterations, 1 lane), Twofold's default, as a
     * node computes it: in libsodium where it loads.
     */
    @Benchmark
    public boolean argon2idOwasp(Hashes h) {
        return h.owasp.verify(PASSWORD, h.owaspHash);
    }

    /** Argon2id at Keycloak's default (7 MiB, 5 iterations, 1 lane), used by bench/run.sh. */
    @Benchmark
    public boolean argon2idKeycloakEqual(Hashes h) {
        return h.keycloakEqual.verify(PASSWORD, h.keycloakEqualHash);
    }

    /** The same in Java (Bouncy Castle), where libsodium is not installed. */
    @Benchmark
    public boolean argon2idOwaspJava(Hashes h) {
        return h.owaspJava.verify(PASSWORD, h.owaspHash);
    }

    /** The same in Java (Bouncy Castle), where libsodium is not installed. */
    @Benchmark
    public boolean argon2idKeycloakEqualJava(Hashes h) {
        return h.keycloakEqualJava.verify(PASSWORD, h.keycloakEqualHash);
    }

    @State(Scope.Benchmark)
    public static class Otp {
        byte[] key = "12345678901234567890".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String code;
        Instant now;

        @Setup(Level.Iteration)
        public void setUp() {
            now = Instant.now();
            code = Totp.DEFAULT.code(key, now);
        }
    }

    /** One code checked against the window of three steps, as the mfa-otp grant does. */
    @Benchmark
    public Object totpVerify(Otp o) {
        return TotpVerifier.DEFAULT.matchingStep(o.key, o.code, o.now);
    }

    @State(Scope.Benchmark)
    public static class H2 {
        HikariDataSource pool;

        @Setup
        public void setUp() {
            pool = Db.pool("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1;MODE=PostgreSQL");
        }

        @TearDown
        public void tearDown() {
            pool.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Postgres {
        HikariDataSource pool;

        @Setup
        public void setUp() {
            pool = Db.pool(System.getProperty("bench.pg",
                    "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"));
        }

        @TearDown
        public void tearDown() {
            pool.close();
        }
    }

    static final class Db {
        static HikariDataSource pool(String url) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setMaximumPoolSize(2);
            return new HikariDataSource(config);
        }

        static int roundTrip(HikariDataSource pool) throws SQLException {
            try (Connection connection = pool.getConnection();
                 PreparedStatement statement = connection.prepareStatement("SELECT ?")) {
                statement.setInt(1, 1);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return result.getInt(1);
                }
            }
        }
    }

    /** Borrow a pooled connection, one prepared SELECT, return it: H2 in memory. */
    @Benchmark
    public int dbRoundTripH2(H2 db) throws SQLException {
        return Db.roundTrip(db.pool);
    }

    /** The same against PostgreSQL on 127.0.0.1:5432. */
    @Benchmark
    public int dbRoundTripPostgres(Postgres db) throws SQLException {
        return Db.roundTrip(db.pool);
    }
}
