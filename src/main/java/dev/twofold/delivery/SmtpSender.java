package dev.twofold.delivery;

import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.util.MailConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends email over SMTP with Angus Mail: a multipart/alternative message with a plain-text
 * and an HTML part. TLS is {@code starttls} (required, the default), {@code tls} (implicit, port
 * 465) or {@code none}. Retried once only when no connection could be opened. Thread-safe.
 */
final class SmtpSender implements Sender {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpSender.class);

    /** A PEM file of the certificates trusted for the mail server, instead of the JDK's. */
    static final String CA_FILE = "TWOFOLD_SMTP_CA_FILE";

    private final Session session;
    private final Templates templates;
    private final InternetAddress from;

    SmtpSender(Session session, Templates templates, InternetAddress from) {
        this.session = session;
        this.templates = templates;
        this.from = from;
    }

    static SmtpSender from(Settings settings, Templates templates) {
        String tls = settings.string(Setting.SMTP_TLS).toLowerCase(Locale.ROOT);
        int defaultPort = switch (tls) {
            case "starttls" -> 587;
            case "tls" -> 465;
            case "none" -> 25;
            default -> throw new Settings.ConfigurationException("TWOFOLD_SMTP_TLS must be"
                    + " none, starttls or tls, got '" + tls + "'");
        };
        Properties properties = properties(settings, tls, defaultPort);
        Optional<String> username = settings.get(Setting.SMTP_USERNAME);
        Optional<String> password = settings.get(Setting.SMTP_PASSWORD);
        properties.put("mail.smtp.auth", Boolean.toString(username.isPresent()));
        Session session = Session.getInstance(properties, username.isEmpty() ? null
                : authenticator(username.get(), password.orElse("")));
        return new SmtpSender(session, templates, fromAddress(settings));
    }

    private static Properties properties(Settings settings, String tls, int defaultPort) {
        Duration connect = settings.getDuration(Setting.DELIVERY_CONNECT_TIMEOUT);
        Duration timeout = settings.getDuration(Setting.DELIVERY_TIMEOUT);
        Properties properties = new Properties();
        properties.put("mail.smtp.host", settings.require(Setting.SMTP_HOST,
                "The smtp email provider needs the mail server's host name."));
        properties.put("mail.smtp.port", Integer.toString(
                settings.get(Setting.SMTP_PORT).isPresent()
                        ? settings.getInt(Setting.SMTP_PORT) : defaultPort));
        properties.put("mail.smtp.connectiontimeout", Long.toString(connect.toMillis()));
        properties.put("mail.smtp.timeout", Long.toString(timeout.toMillis()));
        properties.put("mail.smtp.writetimeout", Long.toString(timeout.toMillis()));
        if (tls.equals("starttls")) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
        }
        if (tls.equals("tls")) {
            properties.put("mail.smtp.ssl.enable", "true");
        }
        if (!tls.equals("none")) {
            properties.put("mail.smtp.ssl.checkserveridentity", "true");
            settings.get(Setting.SMTP_CA_FILE).ifPresent(file ->
                    properties.put("mail.smtp.ssl.socketFactory", trusting(Path.of(file))));
        }
        return properties;
    }

    /**
     * TLS that trusts only the certificates of a PEM file (a private CA, or the server's own
     * self-signed certificate) instead of the JDK's CAs; the host name is still checked.
     */
    static SSLSocketFactory trusting(Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + index++, certificate);
            }
            if (index == 0) {
                throw new Settings.ConfigurationException(CA_FILE + " names " + pemFile
                        + ", which holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new Settings.ConfigurationException(CA_FILE + " names " + pemFile
                    + ", which could not be read as PEM certificates: " + e.getMessage());
        }
    }

    private static Authenticator authenticator(String username, String password) {
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(username, password);
            }
        };
    }

    private static InternetAddress fromAddress(Settings settings) {
        String value = settings.require(Setting.SMTP_FROM,
                "Set the sender address, e.g. Twofold <no-reply@example.com>.");
        try {
            return new InternetAddress(value, true);
        } catch (AddressException e) {
            throw new Settings.ConfigurationException("TWOFOLD_SMTP_FROM is not an email"
                    + " address: '" + value + "'");
        }
    }

    @Override
    public void send(Message message) {
        MimeMessage mime = compose(message, templates.render(message));
        try {
            Transport.send(mime);
        } catch (MailConnectException first) {
            LOG.warn("The SMTP server could not be reached ({}); retrying once",
                    first.getMessage());
            sendAfterConnectFailure(mime);
        } catch (MessagingException e) {
            throw failed(e);
        }
    }

    private void sendAfterConnectFailure(MimeMessage mime) {
        try {
            Transport.send(mime);
        } catch (MessagingException e) {
            throw failed(e);
        }
    }

    private MimeMessage compose(Message message, MessageText text) {
        try {
            MimeMessage mime = new MimeMessage(session);
            mime.setFrom(from);
            mime.setRecipient(jakarta.mail.Message.RecipientType.TO,
                    new InternetAddress(message.destination(), true));
            mime.setSubject(text.subject(), "UTF-8");
            mime.setSentDate(new Date());
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(text.text(), "UTF-8", "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(text.html(), "UTF-8", "html");
            mime.setContent(new MimeMultipart("alternative", plain, html));
            mime.saveChanges();
            return mime;
        } catch (MessagingException e) {
            throw new IllegalArgumentException("The email to "
                    + Destinations.mask(message.destination()) + " cannot be composed", e);
        }
    }

    private static RuntimeException failed(MessagingException e) {
        LOG.warn("The SMTP server did not take an email: {}: {}", e.getClass().getSimpleName(),
                e.getMessage());
        String cause = e instanceof MailConnectException
                ? "the mail server could not be reached" : "the mail server refused it";
        return DeliveryFailures.deliveryFailed(Channel.EMAIL, cause);
    }
}
