package dev.twofold.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.jca.JCAAware;
import com.nimbusds.jose.jca.JCAContext;
import java.security.Provider;
import java.util.Optional;
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

    private final Optional<Provider> provider;

    private SignatureProvider(Optional<Provider> provider) {
        this.provider = provider;
    }

    /** The native provider where it loads, else the JDK's. */
    public static SignatureProvider fastest() {
        return new SignatureProvider(corretto());
    }

    /** The JDK's providers only. */
    public static SignatureProvider jdk() {
        return new SignatureProvider(Optional.empty());
    }

    /** Makes a Nimbus signer or verifier use this provider; returns it. */
    public <T extends JCAAware<JCAContext>> T use(T signerOrVerifier) {
        provider.ifPresent(chosen -> signerOrVerifier.getJCAContext().setProvider(chosen));
        return signerOrVerifier;
    }

    /** The provider's name, for the start-up log. */
    public String name() {
        return provider.map(Provider::getName).orElse("JDK");
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
