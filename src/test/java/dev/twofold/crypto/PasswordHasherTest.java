package dev.twofold.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Argon2id against hashes computed by the reference implementation (the `argon2` command of
 * the Argon2 authors' library, {@code echo -n PASSWORD | argon2 SALT -id -k M -t T -p P -e}),
 * so the answers do not come from the code under test. The pool of memory blocks is reused
 * across hashes, so every vector is checked again after hashes of other sizes.
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
    void verifyWhenHashesFromTheReferenceImplementationThenMatchOnlyTheirPasswords() {
        PasswordHasher hasher = new PasswordHasher(1024, 2, 1);

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

    @Test
    void verifyWhenManyAtOnceOnTheSharedPoolThenEachStillMatches() throws Exception {
        PasswordHasher hasher = new PasswordHasher(7168, 5, 1);
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

        String first = hasher.hash("Correct-Horse-9");
        String second = hasher.hash("Correct-Horse-9");

        assertThat(first).startsWith("$argon2id$v=19$m=2048,t=3,p=1$");
        assertThat(first).isNotEqualTo(second);
        assertThat(hasher.verify("Correct-Horse-9", first)).isTrue();
        assertThat(hasher.verify("Correct-Horse-9", second)).isTrue();
        assertThat(hasher.verify("Correct-Horse-8", first)).isFalse();
        assertThat(hasher.needsRehash(first)).isFalse();
        assertThat(hasher.needsRehash(SHORT)).isTrue();
    }
}
