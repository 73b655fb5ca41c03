package dev.twofold.crypto;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Argon2id through the system's libsodium ({@code crypto_pwhash}, RFC 9106 with one lane),
 * reached with JNA. libsodium's vectorised Argon2 costs about half of the Java one per hash,
 * and its memory lives outside the Java heap. Loaded once; if the library is missing, or
 * its answer to a known hash is wrong, {@link #get()} is empty and the Java one is used.
 * Thread-safe after loading (libsodium's own guarantee once {@code sodium_init} has run).
 */
final class Libsodium {

    private static final Logger LOG = LoggerFactory.getLogger(Libsodium.class);
    private static final int ALG_ARGON2ID13 = 2;
    /** libsodium takes exactly this many salt bytes, and at least this long an output. */
    static final int SALT_BYTES = 16;
    static final int MIN_OUTPUT_BYTES = 16;
    private static final Optional<Libsodium> LOADED = load();

    private Libsodium() {
    }

    /** The loaded library, or empty where it could not be loaded or failed its self-test. */
    static Optional<Libsodium> get() {
        return LOADED;
    }

    /** Whether these parameters are within what libsodium computes (one lane, 16-byte salt). */
    static boolean supports(int lanes, int saltLength, int outputLength, int memoryKib) {
        return lanes == 1 && saltLength == SALT_BYTES && outputLength >= MIN_OUTPUT_BYTES
                && memoryKib >= 8;
    }

    /** Argon2id v1.3; empty if libsodium refused (such as when memory ran out). */
    Optional<byte[]> argon2id(byte[] password, byte[] salt, int iterations, int memoryKib,
                              int length) {
        byte[] out = new byte[length];
        int result = crypto_pwhash(out, length, password, password.length, salt, iterations,
                memoryKib * 1024L, ALG_ARGON2ID13);
        return result == 0 ? Optional.of(out) : Optional.empty();
    }

    private static native int sodium_init();

    private static native int crypto_pwhash(byte[] out, long outputLength, byte[] password,
                                            long passwordLength, byte[] salt, long opsLimit,
                                            long memLimitBytes, int algorithm);

    private static Optional<Libsodium> load() {
        try {
            Native.register(Libsodium.class, library());
            if (sodium_init() < 0) {
                LOG.info("libsodium did not initialise; Argon2id runs in Java");
                return Optional.empty();
            }
            Libsodium sodium = new Libsodium();
            if (!sodium.passesSelfTest()) {
                LOG.warn("libsodium gave a wrong Argon2id answer to a known input;"
                        + " Argon2id runs in Java");
                return Optional.empty();
            }
            return Optional.of(sodium);
        } catch (RuntimeException | LinkageError e) {
            LOG.info("libsodium unavailable ({}); Argon2id runs in Java", e.toString());
            return Optional.empty();
        }
    }

    private static NativeLibrary library() {
        try {
            return NativeLibrary.getInstance("sodium");
        } catch (UnsatisfiedLinkError unversioned) {
            // Without the development package only the versioned file is installed.
            return NativeLibrary.getInstance("libsodium.so.23");
        }
    }

    /**
     * A hash from the Argon2 authors' reference command
     * ({@code echo -n self-test | argon2 twofold-selftest -id -k 64 -t 1 -p 1 -l 16}).
     */
    private boolean passesSelfTest() {
        byte[] expected = Base64.getDecoder().decode("en6AnQogj5smmFIKtk8iQw==");
        return argon2id("self-test".getBytes(StandardCharsets.UTF_8),
                "twofold-selftest".getBytes(StandardCharsets.US_ASCII), 1, 64, 16)
                .map(actual -> java.security.MessageDigest.isEqual(expected, actual))
                .orElse(false);
    }
}
