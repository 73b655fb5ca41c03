package dev.twofold.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Argon2id against hashes computed by the reference implementation (the `argon2` command of
 * the Argon2 authors' library, {@code echo -n PASSWORD | argon2 SALT -id -k M -t T -p P -e}),
 * so the answers do not come from the code under test. Each test runs on libsodium (where it
 * loads) and on Bouncy Castle; Bouncy Castle's pool of memory blocks is reused across hashes,
 * so every vector is checked again after hashes of other sizes.
 */
class PasswordHasherTest {

    private static final String SHORT = "$argon2id$v=19$m=1024,t=2,p=1"
            + "$c2FsdHNhbHRzYWx0MTIzNHNhbHRzYWx0c2FsdDEyMzQ"
            + "$Q9D69cnq1DG8dO/n0Z7dXKI0CGsw0tbYCQMznSOQdfg";
    private static final String KEYCLOAK_COST = "$argon2id$v=19$m=7168,t=5,p=1"
            + "$YW5vdGhlcnNhbHR5c2FsdGFub3RoZXJzYWx0eXNhbHQ"
            + "$tjGtDo3XIMiu40unQeizgkzf4vZ8rwL22oyiOwZFi38";
    private static final String TWO_LANES = "$argon2id$v=19$m=2048,t=3,p=2"
            + "$bm9uLWFzY2lpLXNhbHQx"
            + "$Uga3LUzdNNIw9pbgMSjdy0yV0rwW+AqQcXnTp/nbxMU";

    @Test
    void libsodiumWhenInstalledThenLoadsAndIsUsed() {
        // .ci/run installs Debian's libsodium23, so CI always checks the native path too.
        assumeTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libsodium.so.23")),
                "libsodium23 is not installed");
        assertThat(new PasswordHasher(1024, 2, 1, true).implementation())
                .isEqualTo("libsodium");
        assertThat(new PasswordHasher(1024, 2, 1, false).implementation())
                .isEqualTo("Bouncy Castle");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void verifyWhenHashesFromTheReferenceImplementationThenMatchOnlyTheirPasswords(
            boolean nativeWhereItLoads) {
        PasswordHasher hasher = new PasswordHasher(1024, 2, 1, nativeWhereItLoads);

        assertThat(hasher.verify("correct-horse-9", SHORT)).isTrue();
        assertThat(hasher.verify("Bench-Passw0rd!", KEYCLOAK_COST)).isTrue();
        assertThat(hasher.verify("pässwörd-ü", TWO_LANES)).isTrue();
        assertThat(hasher.verify("correct-horse-8", SHORT)).isFalse();
        assertThat(hasher.verify("Bench-Passw0rd", KEYCLOAK_COST)).isFalse();
        assertThat(hasher.verify("passwörd-ü", TWO_LANES)).isFalse();
        // Again, now that the pool holds blocks used (and returned) by all three.
        assertThat(hasher.verify("correct-horse-9", SHORT)).isTrue();
        assertThat(hasher.verify("pässwörd-ü", TWO_LANES)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void verifyWhenManyAtOnceThenEachStillMatches(boolean nativeWhereItLoads) throws Exception {
        PasswordHasher hasher = new PasswordHasher(7168, 5, 1, nativeWhereItLoads);
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                boolean right = i % 2 == 0;
                answers.add(callers.submit(() -> hasher.verify(
                        right ? "Bench-Passw0rd!" : "wrong", KEYCLOAK_COST) == right
                        && hasher.verify("correct-horse-9", SHORT)));
            }
            for (Future<Boolean> answer : answers) {
                assertThat(answer.get()).isTrue();
            }
        } finally {
            callers.shutdown();
        }
    }

    @Test
    void hashWhenVerifiedThenMatchesAndCarriesTheConfiguredParameters() {
        PasswordHasher hasher = new PasswordHasher(2048, 3, 1);
        PasswordHasher java = new PasswordHasher(2048, 3, 1, false);

        String first = hasher.hash("Correct-Horse-9");
        String second = java.hash("Correct-Horse-9");

        assertThat(first).startsWith("$argon2id$v=19$m=2048,t=3,p=1$");
        assertThat(first).isNotEqualTo(second);
        assertThat(hasher.verify("Correct-Horse-9", first)).isTrue();
        assertThat(hasher.verify("Correct-Horse-9", second)).isTrue();
        assertThat(hasher.verify("Correct-Horse-8", first)).isFalse();
        // Each implementation verifies what the other stored.
        assertThat(java.verify("Correct-Horse-9", first)).isTrue();
        assertThat(java.verify("Correct-Horse-8", second)).isFalse();
        assertThat(hasher.needsRehash(first)).isFalse();
        assertThat(hasher.needsRehash(SHORT)).isTrue();
    }

    /** What Runtime.maxMemory() says under the serial collector: less one survivor space. */
    private static long serialMaxMemory(long heapMib) {
        long heap = heapMib << 20;
        return heap - heap / 30;
    }

    @Test
    void javaHashSlotsWhenHeapSizedByTheLauncherThenOnePerHashItHasRoomFor() {
        // Heaps as bin/twofold sizes them: 48 MiB + the memory cost of each Java hash.
        // Keycloak's cost (7 MiB), two processors, Java hashing both: 48 + 2 * 7 = 62 MiB.
        assertThat(PasswordHasher.javaHashSlots(serialMaxMemory(62), 7168, 2)).isEqualTo(2);
        // Same cost where libsodium hashes: 48 + 7 = 55 MiB, room for one.
        assertThat(PasswordHasher.javaHashSlots(serialMaxMemory(55), 7168, 2)).isEqualTo(1);
        // OWASP's 19 MiB in Java on four processors: 48 + 4 * 19 = 124 MiB, never more than
        // one per processor.
        assertThat(PasswordHasher.javaHashSlots(serialMaxMemory(124), 19456, 4)).isEqualTo(4);
        assertThat(PasswordHasher.javaHashSlots(serialMaxMemory(124), 19456, 2)).isEqualTo(2);
        // 64 processors: 48 + 64 * 19 = 1264 MiB; the survivor space left out of maxMemory
        // (42 MiB here) is counted back, or two hashes would be lost.
        assertThat(PasswordHasher.javaHashSlots(serialMaxMemory(1264), 19456, 64)).isEqualTo(64);
        // A collector that reports the whole heap (55 MiB) still gets one, not two.
        assertThat(PasswordHasher.javaHashSlots(55L << 20, 7168, 2)).isEqualTo(1);
        // A heap with no room at all still hashes, one at a time.
        assertThat(PasswordHasher.javaHashSlots(32L << 20, 19456, 8)).isEqualTo(1);
    }

    @Test
    void verifyWhenStoredCostExceedsEveryJavaSlotThenStillRunsAlone() {
        // A tiny configured cost leaves a budget far below the stored hash's 7 MiB: the hash
        // takes the whole budget and completes rather than waiting forever.
        PasswordHasher hasher = new PasswordHasher(8, 1, 1, false);

        assertThat(hasher.verify("Bench-Passw0rd!", KEYCLOAK_COST)).isTrue();
        assertThat(hasher.verify("Bench-Passw0rd?", KEYCLOAK_COST)).isFalse();
    }

    @Test
    void implementationWhenConfiguredWithTwoLanesThenJavaEvenWhereLibsodiumLoads() {
        // libsodium takes one lane only, so a node configured for two hashes every password
        // in Java, and its start-up line must say so.
        assertThat(new PasswordHasher(1024, 2, 2, true).implementation())
                .isEqualTo("Bouncy Castle");
    }

    @Test
    void belowOwaspMinimumWhenUnderEachOfItsConfigurationsThenTrue() {
        // OWASP's Password Storage Cheat Sheet: 46 MiB/1, 19 MiB/2, 12 MiB/3, 9 MiB/4,
        // 7 MiB/5 iterations; each of those passes, less memory or fewer iterations do not.
        int[][] recommended = {{47104, 1}, {19456, 2}, {12288, 3}, {9216, 4}, {7168, 5}};
        for (int[] cost : recommended) {
            assertThat(new PasswordHasher(cost[0], cost[1], 1).belowOwaspMinimum())
                    .as("m=%d t=%d", cost[0], cost[1]).isFalse();
        }
        assertThat(new PasswordHasher(7168, 4, 1).belowOwaspMinimum()).isTrue();
        assertThat(new PasswordHasher(19456, 1, 1).belowOwaspMinimum()).isTrue();
        assertThat(new PasswordHasher(4, 1000, 1).belowOwaspMinimum()).isTrue();
    }
}
