package dev.twofold.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Signatures made through the native provider are the JDK's to verify, and the reverse. */
class SignatureProviderTest {

    private static final JWTClaimsSet CLAIMS = new JWTClaimsSet.Builder().subject("auth0|x")
            .issuer("https://as.test/").build();

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void fastestWhenOnLinuxX86ThenTheNativeProviderIsChosen() {
        assertThat(SignatureProvider.fastest().name()).isEqualTo("AmazonCorrettoCryptoProvider");
    }

    @Test
    void jdkWhenChosenThenNoProviderIsSet() throws Exception {
        RSASSASigner signer = SignatureProvider.jdk().use(
                new RSASSASigner(new RSAKeyGenerator(2048).generate()));

        assertThat(signer.getJCAContext().getProvider()).isNull();
        assertThat(SignatureProvider.jdk().name()).isEqualTo("JDK");
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void loadingInBackgroundWhenLoadedThenSignersMadeBeforeAreOutdated() throws Exception {
        RSASSASigner madeWithTheJdk = new RSASSASigner(new RSAKeyGenerator(2048).generate());
        SignatureProvider loading = SignatureProvider.loadingInBackground();

        assertThat(loading.name()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(loading.outdated(madeWithTheJdk)).isTrue();
        assertThat(loading.outdated(loading.use(madeWithTheJdk))).isFalse();
        assertThat(madeWithTheJdk.getJCAContext().getProvider().getName())
                .isEqualTo("AmazonCorrettoCryptoProvider");
    }

    @Test
    void jdkWhenAskedThenNoSignerIsOutdated() throws Exception {
        RSASSASigner signer = new RSASSASigner(new RSAKeyGenerator(2048).generate());

        assertThat(SignatureProvider.jdk().outdated(signer)).isFalse();
    }

    @Test
    void rs256WhenSignedNativelyThenTheJdkVerifiesItAndTheReverse() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        SignatureProvider fastest = SignatureProvider.fastest();

        SignedJWT nativeSigned = sign(JWSAlgorithm.RS256, fastest.use(new RSASSASigner(key)));
        SignedJWT jdkSigned = sign(JWSAlgorithm.RS256, new RSASSASigner(key));

        assertThat(nativeSigned.verify(new RSASSAVerifier(key.toPublicJWK()))).isTrue();
        assertThat(jdkSigned.verify(fastest.use(new RSASSAVerifier(key.toPublicJWK()))))
                .isTrue();
        // RSASSA-PKCS1-v1_5 is deterministic: both providers must produce the same bytes.
        assertThat(nativeSigned.getSignature()).isEqualTo(jdkSigned.getSignature());
    }

    @Test
    void es256WhenSignedNativelyThenTheJdkVerifiesItAndTheReverse() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        SignatureProvider fastest = SignatureProvider.fastest();

        SignedJWT nativeSigned = sign(JWSAlgorithm.ES256, fastest.use(new ECDSASigner(key)));
        SignedJWT jdkSigned = sign(JWSAlgorithm.ES256, new ECDSASigner(key));

        assertThat(nativeSigned.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
        assertThat(jdkSigned.verify(fastest.use(new ECDSAVerifier(key.toPublicJWK()))))
                .isTrue();
        // RFC 7518 §3.4: R and S as two 32-byte integers, not DER.
        assertThat(nativeSigned.getSignature().decode()).hasSize(64);
    }

    @Test
    void verifyWhenSignatureTamperedThenNativeVerifierRefuses() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        SignedJWT signed = sign(JWSAlgorithm.RS256, new RSASSASigner(key));
        String[] parts = signed.serialize().split("\\.");
        String tampered = parts[0] + "." + parts[1] + "."
                + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);

        boolean valid = SignedJWT.parse(tampered).verify(SignatureProvider.fastest()
                .use(new RSASSAVerifier(key.toPublicJWK())));

        assertThat(valid).isFalse();
    }

    private static SignedJWT sign(JWSAlgorithm algorithm, com.nimbusds.jose.JWSSigner signer)
            throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), CLAIMS);
        jwt.sign(signer);
        return jwt;
    }
}
