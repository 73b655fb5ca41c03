package dev.twofold.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.store.Database;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * The rotating set of signing keys: one active key per algorithm (RS256 by default, as Auth0;
 * ES256 for resource servers that choose it), and retired keys still published in the JWKS
 * until the tokens they signed have expired.
 *
 * <p>Keys live in the database (private halves encrypted with {@link SecretBox}), so every
 * node signs with and publishes the same set; each node rereads the set once its copy is older
 * than the refresh interval ({@code TWOFOLD_SIGNING_KEY_CACHE_TTL}, 15 s by default) or when
 * asked for a key id it does not know. Thread-safe.
 */
public final class SigningKeys {

    /** How long a retired key stays in the JWKS: longer than any token it signed lives. */
    public static final Duration RETIRED_PUBLISHED = Duration.ofDays(2);
    private static final String PURPOSE = "signing_keys.private_jwk_enc";
    private static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.RS256,
            JWSAlgorithm.ES256);
    /** Held while keys are created or rotated, by one node of the group at a time. */
    private static final String LOCK = "signing_keys";

    private final Database database;
    private final SecretBox box;
    private final Clock clock;
    private final SignatureProvider provider;
    private final long refreshMillis;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), List.of(), 0);
    private final Map<String, JWSSigner> signers = new ConcurrentHashMap<>();

    private record Snapshot(Map<JWSAlgorithm, JWK> active, List<JWK> published, long loadedAt) {
    }

    /** {@code refresh}: how long this node trusts its copy of the key set (not negative). */
    public SigningKeys(Database database, SecretBox box, Clock clock,
                       SignatureProvider provider, Duration refresh) {
        if (refresh.isNegative()) {
            throw new IllegalArgumentException("The key cache time is negative: " + refresh);
        }
        this.database = database;
        this.box = box;
        this.clock = clock;
        this.provider = provider;
        this.refreshMillis = refresh.toMillis();
    }

    /** The provider every signature of this node goes through. */
    public SignatureProvider provider() {
        return provider;
    }

    /**
     * Creates the first key of each algorithm if none is active yet. Nodes starting together
     * on a fresh database create one key per algorithm between them, not one each.
     */
    public void ensureKeys() {
        if (!missingAlgorithms().isEmpty()) {
            database.whileLocked(LOCK, () -> {
                missingAlgorithms().forEach(algorithm -> insert(generate(algorithm)));
                return null;
            });
        }
        reload();
    }

    private List<JWSAlgorithm> missingAlgorithms() {
        return ALGORITHMS.stream().filter(algorithm -> database.withHandle(handle -> handle
                .createQuery("SELECT COUNT(*) FROM signing_keys WHERE alg = :alg"
                        + " AND retired_at IS NULL")
                .bind("alg", algorithm.getName()).mapTo(Integer.class).one()) == 0).toList();
    }

    /**
     * Replaces the active key of an algorithm with a new one; the old key stays published for
     * {@link #RETIRED_PUBLISHED}. Returns the new key id. Rotations run one at a time across
     * nodes, so each leaves exactly one active key.
     */
    public String rotate(JWSAlgorithm algorithm) {
        JWK key = generate(algorithm);
        database.whileLocked(LOCK, () -> database.inTransaction(handle -> {
            handle.createUpdate("UPDATE signing_keys SET retired_at = :now"
                    + " WHERE alg = :alg AND retired_at IS NULL")
                    .bind("now", clock.millis()).bind("alg", algorithm.getName()).execute();
            insert(handle, key);
            return null;
        }));
        reload();
        return key.getKeyID();
    }

    /** Signs claims as a JWT with the active key of the algorithm and the given {@code typ}. */
    public String sign(JWSAlgorithm algorithm, JOSEObjectType type, JWTClaimsSet claims) {
        JWK key = current().active().get(algorithm);
        if (key == null) {
            reload();
            key = current().active().get(algorithm);
        }
        if (key == null) {
            throw new IllegalStateException("No active signing key for " + algorithm);
        }
        JWSHeader header = new JWSHeader.Builder(algorithm).type(type).keyID(key.getKeyID())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signerFor(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Signing failed with key " + key.getKeyID(), e);
        }
        return jwt.serialize();
    }

    /** The public key with this id, if it is published. */
    public Optional<JWK> publicKey(String keyId) {
        Optional<JWK> found = find(keyId);
        if (found.isEmpty()) {
            reload();
            found = find(keyId);
        }
        return found;
    }

    /** The JWKS document (RFC 7517 §5): public keys only. */
    public Map<String, Object> jwks() {
        return new JWKSet(current().published()).toJSONObject(true);
    }

    private Optional<JWK> find(String keyId) {
        return current().published().stream()
                .filter(key -> key.getKeyID().equals(keyId)).findFirst();
    }

    private Snapshot current() {
        Snapshot now = snapshot;
        if (clock.millis() - now.loadedAt() > refreshMillis) {
            reload();
            now = snapshot;
        }
        return now;
    }

    private synchronized void reload() {
        long now = clock.millis();
        long oldest = now - RETIRED_PUBLISHED.toMillis();
        List<KeyRow> rows = database.withHandle(handle -> handle.createQuery(
                "SELECT kid, alg, public_jwk, retired_at FROM signing_keys"
                        + " WHERE retired_at IS NULL OR retired_at > :oldest ORDER BY created_at")
                .bind("oldest", oldest)
                .map((resultSet, context) -> new KeyRow(resultSet.getString("kid"),
                        resultSet.getString("alg"), resultSet.getString("public_jwk"),
                        resultSet.getObject("retired_at") != null))
                .list());
        Map<JWSAlgorithm, JWK> active = new java.util.HashMap<>();
        List<JWK> published = new ArrayList<>();
        for (KeyRow row : rows) {
            JWK publicKey = parse(row.publicJwk());
            published.add(publicKey);
            if (!row.retired()) {
                active.put(JWSAlgorithm.parse(row.alg()), publicKey);
            }
        }
        snapshot = new Snapshot(Map.copyOf(active), List.copyOf(published), now);
    }

    private record KeyRow(String kid, String alg, String publicJwk, boolean retired) {
    }

    private JWSSigner signerFor(JWK publicKey) {
        JWSSigner cached = signers.get(publicKey.getKeyID());
        if (cached != null && !provider.outdated(cached)) {
            return cached;
        }
        // Made anew once the native provider has loaded; the JDK's served until then.
        return signers.compute(publicKey.getKeyID(), (keyId, previous) -> {
            if (previous != null && !provider.outdated(previous)) {
                return previous;
            }
            String sealed = database.withHandle(handle -> handle.createQuery(
                    "SELECT private_jwk_enc FROM signing_keys WHERE kid = :kid")
                    .bind("kid", keyId).mapTo(String.class).one());
            JWK privateKey = parse(box.open(PURPOSE, sealed));
            try {
                return privateKey instanceof ECKey ec ? provider.use(new ECDSASigner(ec))
                        : provider.use(new RSASSASigner((RSAKey) privateKey));
            } catch (JOSEException e) {
                throw new IllegalStateException("Unusable signing key " + keyId, e);
            }
        });
    }

    private static JWK parse(String json) {
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("A stored signing key is not a valid JWK", e);
        }
    }

    private JWK generate(JWSAlgorithm algorithm) {
        String keyId = Randoms.urlSafe(12);
        try {
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                return new ECKeyGenerator(Curve.P_256).keyID(keyId).keyUse(KeyUse.SIGNATURE)
                        .algorithm(algorithm).generate();
            }
            return new RSAKeyGenerator(2048).keyID(keyId).keyUse(KeyUse.SIGNATURE)
                    .algorithm(algorithm).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Key generation failed for " + algorithm, e);
        }
    }

    private void insert(JWK key) {
        database.inTransaction(handle -> insert(handle, key));
    }

    private int insert(Handle handle, JWK key) {
        long now = clock.millis();
        return handle.createUpdate(
                "INSERT INTO signing_keys (kid, alg, private_jwk_enc, public_jwk, created_at,"
                        + " activated_at) VALUES (:kid, :alg, :private, :public, :now, :now)")
                .bind("kid", key.getKeyID())
                .bind("alg", key.getAlgorithm().getName())
                .bind("private", box.seal(PURPOSE, key.toJSONString()))
                .bind("public", key.toPublicJWK().toJSONString())
                .bind("now", now)
                .execute();
    }
}
