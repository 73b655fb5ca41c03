package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Settings;
import dev.twofold.testing.TestServer;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmtpSenderTest {

    private static GreenMail mail;
    private static TestServer server;

    @BeforeAll
    static void start() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        mail.setUser("twofold@example.com", "mailer", "mailer-password");
        server = TestServer.start(Map.of(
                "TWOFOLD_EMAIL_PROVIDER", "smtp",
                "TWOFOLD_SMTP_HOST", "127.0.0.1",
                "TWOFOLD_SMTP_PORT", Integer.toString(mail.getSmtp().getPort()),
                "TWOFOLD_SMTP_TLS", "none",
                "TWOFOLD_SMTP_USERNAME", "mailer",
                "TWOFOLD_SMTP_PASSWORD", "mailer-password",
                "TWOFOLD_SMTP_FROM", "Twofold <no-reply@example.com>",
                "TWOFOLD_PRODUCT_NAME", "Acme Login"));
    }

    @AfterAll
    static void stop() {
        server.close();
        mail.stop();
    }

    private static MimeMessage sendAndReceive(String to, String code, Locale locale) {
        server.server().services().sender(Channel.EMAIL).send(new Message(Channel.EMAIL, to,
                code, Duration.ofMinutes(10), locale, "auth0|" + to, "203.0.113.5"));
        assertThat(mail.waitForIncomingEmail(5_000, 1)).isTrue();
        MimeMessage[] received = mail.getReceivedMessagesForDomain(to.split("@")[1]);
        return received[received.length - 1];
    }

    private static String part(Multipart multipart, String type) throws Exception {
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.isMimeType(type)) {
                return part.getContent().toString();
            }
        }
        throw new AssertionError("No " + type + " part");
    }

    @Test
    void emailWhenSentThenMailServerReceivesTextAndHtmlWithTheCode() throws Exception {
        MimeMessage message = sendAndReceive("carol@mail.example.org", "502781",
                Locale.ENGLISH);

        assertThat(message.getFrom()[0].toString()).contains("no-reply@example.com");
        assertThat(message.getAllRecipients()[0].toString()).isEqualTo("carol@mail.example.org");
        assertThat(message.getSubject()).contains("Acme Login");
        Multipart multipart = (Multipart) message.getContent();
        assertThat(message.getContentType()).startsWith("multipart/alternative");
        Matcher code = Pattern.compile("\\b(\\d{6})\\b").matcher(part(multipart, "text/plain"));
        assertThat(code.find()).isTrue();
        assertThat(code.group(1)).isEqualTo("502781");
        assertThat(part(multipart, "text/plain")).contains("10 minutes");
        assertThat(part(multipart, "text/html")).contains(">502781<");
    }

    @Test
    void emailWhenGermanLocaleThenGermanSubjectAndText() throws Exception {
        MimeMessage message = sendAndReceive("dieter@post.example.de", "771100",
                Locale.GERMANY);

        assertThat(message.getSubject()).isEqualTo("771100 ist Ihr Acme Login-Bestätigungscode");
        assertThat(part((Multipart) message.getContent(), "text/plain"))
                .contains("Bestätigungscode lautet 771100").contains("10 Minuten");
    }

    @Test
    void emailWhenStarttlsRequiredAndServerOffersNoneThen503AndNothingDelivered() {
        int before = mail.getReceivedMessages().length;
        SmtpSender sender = SmtpSender.from(Settings.of(Settings.Mode.DEV, Map.of(
                "TWOFOLD_SMTP_HOST", "127.0.0.1",
                "TWOFOLD_SMTP_PORT", Integer.toString(mail.getSmtp().getPort()),
                "TWOFOLD_SMTP_FROM", "no-reply@example.com")),
                Templates.from(Settings.of(Settings.Mode.DEV, Map.of()), () -> null));

        Throwable thrown = catchThrowable(() -> sender.send(new Message(Channel.EMAIL,
                "erin@example.net", "654321", Duration.ofMinutes(5), Locale.ENGLISH, "erin",
                "203.0.113.5")));

        assertThat(thrown).isInstanceOfSatisfying(ProtocolError.class, error -> {
            assertThat(error.status()).isEqualTo(503);
            assertThat(error.error()).isEqualTo("delivery_failed");
        });
        assertThat(mail.getReceivedMessages()).hasSize(before);
    }
}
