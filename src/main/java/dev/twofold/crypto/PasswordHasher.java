package dev.twofold.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes passwords and client secrets with Argon2id (RFC 9106) in the PHC string format, and
 * verifies Argon2id and bcrypt hashes (bcrypt so users exported from Auth0 keep their
 * passwords). Defaults follow OWASP's Password Storage Cheat Sheet: 19 MiB, 2 iterations,
 * 1 lane. Argon2id runs in the system's libsodium where it loads (one lane and 16-byte salts,
 * which is what this class writes), else, and for other stored parameters, in Bouncy Castle.
 * Hashes run on a pool of as many platform threads as there are processors: more at once
 * would not finish sooner, and each holds its whole memory cost (19 MiB by default), so
 * under a burst of logins the others queue instead of filling the heap; and a request's
 * virtual thread waits off its carrier, so a hash never holds up the other requests.
 * Thread-safe.
 */
public final class PasswordHasher {

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final ExecutorService HASHING = Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(),
            Thread.ofPlatform().name("argon2-", 0).daemon(true).factory());

    /** Blocks Argon2 may hold beside its memory cost (its working blocks while filling). */
    private static final int WORKING_BLOCKS = 4;
    /** The heap bin/twofold gives a node beside the room for the hashes that run in Java. */
    static final long HEAP_BESIDE_HASHES = 48L << 20;

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    /**
     * The 1 KiB blocks of Argon2's memory, kept between hashes (zeroed when returned) for as
     * many hashes as can run at once. Allocating them afresh per hash made the collector
     * copy and promote megabytes of live blocks: under load, full collections cost more
     * CPU than the hashes. Hashes with other parameters (older stored hashes) take what they
     * need beyond it and leave it to the collector.
     */
    private final Argon2BytesGenerator.BlockPool blocks;
    /**
     * The memory (KiB) of the hashes running in Java at once: room for as many hashes of the
     * configured cost as the heap holds beside the node's own objects, at least one, at most
     * one per processor. A hash takes its memory cost here (an older stored hash with a larger
     * cost at most all of it) on the caller's thread, before it reaches the hashing pool, so
     * waiting Java hashes never hold up libsodium's. Where libsodium hashes, the heap has room
     * for one Java hash (bin/twofold): the rare ones it does not take queue here instead of
     * running the heap out of memory. Fair, so a large hash is not passed over forever.
     */
    private final Semaphore javaHashKib;
    /** The whole of {@link #javaHashKib}: the room for {@link #javaHashes} configured hashes. */
    private final int javaHashBudgetKib;
    private final int javaHashes;
    private final boolean nativeWhereItLoads;

    /** Argon2id through libsodium where it loads, else in Java. */
    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this(memoryKib, iterations, parallelism, true);
    }

    /**
     * With {@code nativeWhereItLoads} false, Argon2id always runs in Java (Bouncy Castle);
     * both compute the same hashes, so either verifies what the other stored.
     */
    public PasswordHasher(int memoryKib, int iterations, int parallelism,
                          boolean nativeWhereItLoads) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.javaHashes = javaHashSlots(Runtime.getRuntime().maxMemory(), memoryKib,
                Runtime.getRuntime().availableProcessors());
        this.javaHashBudgetKib = javaHashes * (memoryKib + WORKING_BLOCKS);
        this.javaHashKib = new Semaphore(javaHashBudgetKib, true);
        this.blocks = new Argon2BytesGenerator.FixedBlockPool(javaHashBudgetKib);
        this.nativeWhereItLoads = nativeWhereItLoads;
    }

    /**
     * How many Argon2id hashes of {@code memoryKib} may run in Java at once in a heap whose
     * {@code Runtime.maxMemory()} is {@code maxMemoryBytes}: the room bin/twofold left beside
     * {@link #HEAP_BESIDE_HASHES}, in hashes, to the nearest whole one.
     */
    static int javaHashSlots(long maxMemoryBytes, int memoryKib, int processors) {
        // The serial collector leaves one survivor space, a thirtieth of the heap, out of
        // maxMemory(); the heap bin/twofold asked for is a 29th more than it says.
        long heap = maxMemoryBytes + maxMemoryBytes / 29;
        long room = Math.round((double) (heap - HEAP_BESIDE_HASHES) / (memoryKib * 1024L));
        return (int) Math.max(1, Math.min(processors, room));
    }

    /** How many hashes of the configured cost may run in Java at once. */
    public int javaHashesAtOnce() {
        return javaHashes;
    }

    /**
     * Which implementation computes Argon2id, for the start-up log. The first call loads
     * libsodium (about half a second for JNA): a node calls it on a thread of its own while
     * it starts, and every later call returns at once.
     */
    public String implementation() {
        return sodium().isPresent() && Libsodium.supports(parallelism, SALT_BYTES, HASH_BYTES,
                memoryKib) ? "libsodium" : "Bouncy Castle";
    }

    /**
     * Whether the configured cost is below the weakest of OWASP's recommended Argon2id
     * configurations (7 MiB with 5 iterations … 46 MiB with 1, about 36,000 KiB-iterations).
     */
    public boolean belowOwaspMinimum() {
        return memoryKib < 7 * 1024 || (long) memoryKib * iterations < 7 * 1024 * 5;
    }

    private Optional<Libsodium> sodium() {
        return nativeWhereItLoads ? Libsodium.get() : Optional.empty();
    }

    /** OWASP's recommended Argon2id parameters. */
    public static PasswordHasher owasp() {
        return new PasswordHasher(19 * 1024, 2, 1);
    }

    /** Hashes a password into {@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}. */
    public String hash(String password) {
        byte[] salt = Randoms.bytes(SALT_BYTES);
        byte[] hash = argon2(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether the password matches an Argon2id or bcrypt hash; false for any other format. */
    public boolean verify(String password, String encoded) {
        if (password == null || encoded == null) {
            return false;
        }
        if (encoded.startsWith("$argon2id$")) {
            return verifyArgon2(password, encoded);
        }
        if (encoded.startsWith("$2a$") || encoded.startsWith("$2b$")
                || encoded.startsWith("$2y$")) {
            return onHashingPool(() -> verifyBcrypt(password, encoded));
        }
        return false;
    }

    /** Whether a stored hash should be replaced by one with the current parameters. */
    public boolean needsRehash(String encoded) {
        return !encoded.startsWith("$argon2id$v=19$m=" + memoryKib + ",t=" + iterations
                + ",p=" + parallelism + "$");
    }

    private boolean verifyArgon2(String password, String encoded) {
        String[] parts = encoded.split("\\$");
        // ["", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash]
        if (parts.length != 6) {
            return false;
        }
        try {
            int memory = 0;
            int time = 0;
            int lanes = 0;
            for (String parameter : parts[3].split(",")) {
                int value = Integer.parseInt(parameter.substring(2));
                switch (parameter.charAt(0)) {
                    case 'm' -> memory = value;
                    case 't' -> time = value;
                    case 'p' -> lanes = value;
                    default -> {
                        return false;
                    }
                }
            }
            byte[] salt = B64_DECODER.decode(parts[4]);
            byte[] expected = B64_DECODER.decode(parts[5]);
            byte[] actual = argon2(password, salt, memory, time, lanes, expected.length);
            return java.security.MessageDigest.isEqual(expected, actual);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static <T> T onHashingPool(Callable<T> work) {
        Future<T> result = HASHING.submit(work);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Password hashing failed", e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean verifyBcrypt(String password, String encoded) {
        try {
            // Bouncy Castle accepts $2a$, $2b$ and $2y$; $2b$ and $2y$ hash identically.
            return OpenBSDBCrypt.checkPassword(encoded, password.toCharArray());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Argon2id on the hashing pool: in libsodium where it takes the parameters, else in Java
     * once {@link #javaHashKib} has room, waited for on the caller's thread.
     */
    private byte[] argon2(String password, byte[] salt, int memoryKib, int iterations,
                          int parallelism, int length) {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        Optional<Libsodium> sodium = sodium();
        if (sodium.isPresent() && Libsodium.supports(parallelism, salt.length, length,
                memoryKib)) {
            Optional<byte[]> hash = onHashingPool(() -> sodium.get().argon2id(secret, salt,
                    iterations, memoryKib, length));
            if (hash.isPresent()) {
                return hash.get();
            }
            // libsodium could not have the memory at this moment; Java may still.
        }
        int kib = (int) Math.min(javaHashBudgetKib, memoryKib + (long) WORKING_BLOCKS);
        javaHashKib.acquireUninterruptibly(kib);
        try {
            return onHashingPool(() -> javaArgon2(secret, salt, memoryKib, iterations,
                    parallelism, length));
        } finally {
            javaHashKib.release(kib);
        }
    }

    private byte[] javaArgon2(byte[] secret, byte[] salt, int memoryKib, int iterations,
                              int parallelism, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .withBlockPool(blocks)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        generator.generateBytes(secret, out);
        return out;
    }
}
