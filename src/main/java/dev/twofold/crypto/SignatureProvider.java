package dev.twofold.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.jca.JCAAware;
import com.nimbusds.jose.jca.JCAContext;
import java.security.Provider;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA provider that computes and checks JWS signatures: Amazon Corretto Crypto Provider
 * (native, on Linux x86-64) where its library loads and passes its self-test, else the JDK's
 * own. Only signatures go through it; hashing, encryption and random numbers stay with the
 * JDK. {@code TWOFOLD_CRYPTO_PROVIDER=jdk} turns the native one off. Thread-safe.
 */
public final class SignatureProvider {

    private static final Logger LOG = LoggerFactory.getLogger(SignatureProvider.class);

    private final CompletableFuture<Optional<Provider>> loaded;

    private SignatureProvider(CompletableFuture<Optional<Provider>> loaded) {
        this.loaded = loaded;
    }

    /** The native provider where it loads, else the JDK's; loaded before this returns. */
    public static SignatureProvider fastest() {
        return new SignatureProvider(CompletableFuture.completedFuture(corretto()));
    }

    /**
     * The native provider where it loads, loaded on a thread of its own: until it has loaded
     * (about a third of a second), signatures go through the JDK's. Both make the same RS256
     * bytes and valid ES256 signatures, so callers cannot tell the difference.
     */
    public static SignatureProvider loadingInBackground() {
        CompletableFuture<Optional<Provider>> loaded = new CompletableFuture<>();
        Thread.ofPlatform().name("signature-provider-loader").daemon(true)
                .start(() -> loaded.complete(corretto()));
        return new SignatureProvider(loaded);
    }

    /** The JDK's providers only. */
    public static SignatureProvider jdk() {
        return new SignatureProvider(CompletableFuture.completedFuture(Optional.empty()));
    }

    /** Makes a Nimbus signer or verifier use this provider as it is now; returns it. */
    public <T extends JCAAware<JCAContext>> T use(T signerOrVerifier) {
        current().ifPresent(chosen -> signerOrVerifier.getJCAContext().setProvider(chosen));
        return signerOrVerifier;
    }

    /**
     * True when {@code signerOrVerifier} was set up by {@link #use} before the native provider
     * finished loading, so that a new one would be faster.
     */
    public boolean outdated(JCAAware<JCAContext> signerOrVerifier) {
        return signerOrVerifier.getJCAContext().getProvider() != current().orElse(null);
    }

    /** The provider's name once loading has ended, for the start-up log; waits for it. */
    public String name() {
        return loaded.join().map(Provider::getName).orElse("JDK");
    }

    private Optional<Provider> current() {
        return loaded.getNow(Optional.empty());
    }

    private static Optional<Provider> corretto() {
        try {
            AmazonCorrettoCryptoProvider corretto = AmazonCorrettoCryptoProvider.INSTANCE;
            if (corretto.getLoadingError() != null) {
                LOG.info("Native signatures unavailable ({}); using the JDK's",
                        corretto.getLoadingError().getMessage());
                return Optional.empty();
            }
            corretto.assertHealthy();
            return Optional.of(corretto);
        } catch (RuntimeException | LinkageError e) {
            LOG.info("Native signatures unavailable ({}); using the JDK's", e.toString());
            return Optional.empty();
        }
    }
}
