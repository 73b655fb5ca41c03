package dev.twofold.mfa.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.twofold.mfa.MfaApi;
import dev.twofold.testing.Http;
import dev.twofold.testing.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * BUG-13: the barcode_uri is exactly the canonical RFC 3986 encoding for each (issuer,
 * account) row of CASES.md; the secret is compared as returned. The QR code PNG holds it.
 */
class Bug13OtpAuthUriTest {

    private static TestServer server;
    private static MfaApi api;

    @BeforeAll
    static void start() {
        server = MfaApi.startServer();
        api = new MfaApi(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Example Co|alice@example.com|otpauth://totp/Example%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30",
            "Realm|john doe|otpauth://totp/Realm:john%20doe?secret=JBSWY3DPEHPK3PXP&issuer=Realm&algorithm=SHA1&digits=6&period=30",
            "Zürich Bank|jörg@example.com|otpauth://totp/Z%C3%BCrich%20Bank:j%C3%B6rg%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Z%C3%BCrich%20Bank&algorithm=SHA1&digits=6&period=30"})
    void associateWhenIssuerAndAccountNeedEncodingThenExactCanonicalUri(String issuer,
            String account, String expected) throws Exception {
        server.server().services().tenantSettings().put("friendly_name", issuer);
        server.fixtures().user(account, MfaApi.PASSWORD);

        Http.Answer answer = api.associateOtp(api.mfaToken(account));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        String secret = answer.text("secret");
        assertThat(answer.text("barcode_uri"))
                .isEqualTo(expected.replace("JBSWY3DPEHPK3PXP", secret));
        assertThat(qrText(answer.text("barcode_png"))).isEqualTo(answer.text("barcode_uri"));
    }

    private static String qrText(String dataUri) throws Exception {
        assertThat(dataUri).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(dataUri.substring(dataUri.indexOf(',') + 1));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0,
                image.getWidth());
        RGBLuminanceSource source = new RGBLuminanceSource(image.getWidth(),
                image.getHeight(), pixels);
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)))
                .getText();
    }
}
