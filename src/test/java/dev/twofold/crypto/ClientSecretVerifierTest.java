package dev.twofold.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientSecretVerifierTest {

    private final PasswordHasher hasher = new PasswordHasher(64, 1, 1);
    private final ClientSecretVerifier verifier = new ClientSecretVerifier(hasher);

    @Test
    void whenSecretPassedBeforeThenItStillPassesAndAWrongOneIsRefused() {
        String hash = hasher.hash("right-secret-0123456789");

        assertThat(verifier.verify("client-a", "right-secret-0123456789", hash)).isTrue();
        assertThat(verifier.verify("client-a", "right-secret-0123456789", hash)).isTrue();
        assertThat(verifier.verify("client-a", "wrong-secret-0123456789", hash)).isFalse();
        assertThat(verifier.verify("client-a", "right-secret-012345678", hash)).isFalse();
    }

    @Test
    void whenStoredHashIsReplacedThenTheRememberedSecretIsRefused() {
        String old = hasher.hash("old-secret-0123456789");
        assertThat(verifier.verify("client-a", "old-secret-0123456789", old)).isTrue();

        String rotated = hasher.hash("new-secret-0123456789");

        assertThat(verifier.verify("client-a", "old-secret-0123456789", rotated)).isFalse();
        assertThat(verifier.verify("client-a", "new-secret-0123456789", rotated)).isTrue();
    }

    @Test
    void whenAnotherClientSendsARememberedSecretThenItIsCheckedAgainstItsOwnHash() {
        String hashA = hasher.hash("secret-of-a-0123456789");
        String hashB = hasher.hash("secret-of-b-0123456789");
        assertThat(verifier.verify("client-a", "secret-of-a-0123456789", hashA)).isTrue();

        assertThat(verifier.verify("client-b", "secret-of-a-0123456789", hashB)).isFalse();
        assertThat(verifier.verify("client-a", "secret-of-a-0123456789", hashB)).isFalse();
    }

    @Test
    void whenSecretOrHashIsMissingThenRefused() {
        assertThat(verifier.verify("client-a", null, hasher.hash("x-0123456789"))).isFalse();
        assertThat(verifier.verify("client-a", "x-0123456789", null)).isFalse();
    }
}
