package dev.twofold.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies client secrets against their stored Argon2id hashes, and remembers a secret that
 * passed so that the next request of the same client costs an HMAC instead of an Argon2 run.
 *
 * <p>What is remembered is HMAC-SHA256 of the secret under a key drawn at start and held only
 * in memory, together with the stored hash it was checked against. A remembered entry is used
 * only while the client's stored hash is unchanged, so rotating or deleting a secret takes
 * effect at once; a wrong secret always pays the full Argon2 check. Only for client secrets:
 * they are long random values, unlike user passwords, which are always checked with Argon2.
 * Bounded in size; thread-safe.
 */
public final class ClientSecretVerifier {

    private static final int MAX_ENTRIES = 10_000;

    private record Entry(String storedHash, byte[] tag) {
    }

    private final PasswordHasher hasher;
    private final SecretKeySpec key = new SecretKeySpec(Randoms.bytes(32), "HmacSHA256");
    private final ConcurrentMap<String, Entry> verified = new ConcurrentHashMap<>();

    public ClientSecretVerifier(PasswordHasher hasher) {
        this.hasher = hasher;
    }

    /** Whether the secret matches the client's stored hash. */
    public boolean verify(String clientId, String secret, String storedHash) {
        if (secret == null || storedHash == null) {
            return false;
        }
        byte[] tag = tag(clientId, secret);
        Entry entry = verified.get(clientId);
        if (entry != null && entry.storedHash().equals(storedHash)
                && MessageDigest.isEqual(entry.tag(), tag)) {
            return true;
        }
        boolean matches = hasher.verify(secret, storedHash);
        if (matches) {
            if (verified.size() >= MAX_ENTRIES) {
                verified.clear();
            }
            verified.put(clientId, new Entry(storedHash, tag));
        }
        return matches;
    }

    private byte[] tag(String clientId, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(clientId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
