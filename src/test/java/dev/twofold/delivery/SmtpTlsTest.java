package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Settings;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SMTP with TLS for real: a certificate for 127.0.0.1 made here with keytool, GreenMail's
 * SMTPS (implicit TLS) serving it, a STARTTLS front before GreenMail's SMTP, and
 * {@code TWOFOLD_SMTP_CA_FILE} trusting that certificate while the host name is checked.
 */
class SmtpTlsTest {

    private static final String PASSWORD = "changeit";

    private static Path directory;
    private static Path certificate;
    private static GreenMail mail;
    private static StartTlsFront front;

    @BeforeAll
    static void start() throws Exception {
        directory = Files.createTempDirectory("smtp-tls");
        Path keyStore = directory.resolve("server.p12");
        certificate = directory.resolve("server.pem");
        keytool("-genkeypair", "-alias", "smtp", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "smtp", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD, "-file", certificate.toString());
        // GreenMail reads its TLS key store from these properties when SMTPS first starts.
        System.setProperty("greenmail.tls.keystore.file", keyStore.toString());
        System.setProperty("greenmail.tls.keystore.password", PASSWORD);
        System.setProperty("greenmail.tls.key.password", PASSWORD);
        ServerSetup smtp = ServerSetupTest.SMTP.dynamicPort();
        ServerSetup smtps = ServerSetupTest.SMTPS.dynamicPort();
        // Setting up TLS on a loaded machine can take longer than GreenMail's default 2 s.
        smtp.setServerStartupTimeout(20_000);
        smtps.setServerStartupTimeout(20_000);
        mail = new GreenMail(new ServerSetup[] {smtp, smtps});
        mail.start();
        front = new StartTlsFront(serverTls(keyStore), mail.getSmtp().getPort());
    }

    @AfterAll
    static void stop() throws IOException {
        front.close();
        mail.stop();
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    @Test
    void emailWhenStarttlsAndCaFileTrustsTheServerThenDeliveredOverTls() throws Exception {
        int sessions = front.protocols().size();

        send(sender("starttls", front.port(), true), "sam@tls.example.org", "318264");

        MimeMessage received = lastTo("sam@tls.example.org");
        assertThat(received.getSubject()).startsWith("318264 ");
        assertThat(front.protocols()).hasSize(sessions + 1);
        assertThat(front.protocols().getLast()).startsWith("TLSv1.");
    }

    @Test
    void emailWhenImplicitTlsAndCaFileTrustsTheServerThenDelivered() throws Exception {
        send(sender("tls", mail.getSmtps().getPort(), true), "ida@smtps.example.org", "904172");

        assertThat(lastTo("ida@smtps.example.org").getSubject()).startsWith("904172 ");
    }

    @Test
    void emailWhenImplicitTlsWithoutCaFileThen503AndNothingDelivered() {
        int before = mail.getReceivedMessages().length;

        Throwable thrown = catchThrowable(() -> send(sender("tls",
                mail.getSmtps().getPort(), false), "una@smtps.example.org", "550012"));

        assertThat(thrown).isInstanceOfSatisfying(ProtocolError.class, error -> {
            assertThat(error.status()).isEqualTo(503);
            assertThat(error.error()).isEqualTo("delivery_failed");
        });
        assertThat(mail.getReceivedMessages()).hasSize(before);
    }

    @Test
    void caFileWhenNotPemThenStartupRefusesNamingTheSetting() throws IOException {
        Path notPem = Files.writeString(directory.resolve("not.pem"), "hello\n");

        assertThatThrownBy(() -> SmtpSender.trusting(notPem))
                .isInstanceOf(Settings.ConfigurationException.class)
                .hasMessageContaining("TWOFOLD_SMTP_CA_FILE");
    }

    private static SmtpSender sender(String tls, int port, boolean trustCertificate) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "TWOFOLD_SMTP_HOST", "127.0.0.1",
                "TWOFOLD_SMTP_PORT", Integer.toString(port),
                "TWOFOLD_SMTP_TLS", tls,
                "TWOFOLD_SMTP_FROM", "no-reply@example.com"));
        if (trustCertificate) {
            settings.put("TWOFOLD_SMTP_CA_FILE", certificate.toString());
        }
        return SmtpSender.from(Settings.of(Settings.Mode.DEV, settings),
                Templates.from(Settings.of(Settings.Mode.DEV, Map.of()), () -> null));
    }

    private static void send(SmtpSender sender, String to, String code) {
        sender.send(new Message(Channel.EMAIL, to, code, Duration.ofMinutes(5),
                Locale.ENGLISH, "user-" + code, "203.0.113.9"));
    }

    private static MimeMessage lastTo(String to) {
        assertThat(mail.waitForIncomingEmail(5_000, 1)).isTrue();
        MimeMessage[] received = mail.getReceivedMessagesForDomain(to.split("@")[1]);
        assertThat(received).as("mail to " + to).isNotEmpty();
        return received[received.length - 1];
    }

    private static SSLContext serverTls(Path keyStore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(
                KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }
}
