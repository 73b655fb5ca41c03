package dev.twofold.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.twofold.server.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplatesTest {

    // The GSM 03.38 basic character set, typed from the standard's table for this test.
    private static final String GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./"
            + "0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private static Templates templates(Map<String, String> values) {
        return Templates.from(Settings.of(Settings.Mode.DEV, values),
                () -> "https://login.example-company.com/");
    }

    private static Message message(Channel channel, Locale locale) {
        return new Message(channel, "+15555550100", "123456", Duration.ofMinutes(5), locale,
                "auth0|alice", "127.0.0.1");
    }

    @Test
    void smsWhenEveryBuiltInLanguageThenOneGsm7MessageEndingWithWebOtpLine() {
        for (Locale locale : new Locale[] {Locale.ENGLISH, Locale.GERMAN}) {
            String text = templates(Map.of()).render(message(Channel.SMS, locale)).text();

            assertThat(text.length()).isLessThan(160);
            assertThat(text.chars()).allMatch(c -> GSM7.indexOf(c) >= 0);
            assertThat(text).endsWith("\n\n@login.example-company.com #123456")
                    .contains("Twofold").contains("5");
        }
    }

    @Test
    void renderWhenLanguageUnknownThenEnglish() {
        String text = templates(Map.of()).render(message(Channel.SMS, Locale.JAPANESE)).text();

        assertThat(text).startsWith("123456 is your Twofold verification code");
    }

    @Test
    void renderWhenProductNameSetThenUsedInEveryChannel() {
        Templates templates = templates(Map.of("TWOFOLD_PRODUCT_NAME", "Acme"));

        assertThat(templates.render(message(Channel.VOICE, Locale.ENGLISH)).text())
                .contains("Acme").contains("1, 2, 3, 4, 5, 6");
        assertThat(templates.render(message(Channel.EMAIL, Locale.ENGLISH)).subject())
                .isEqualTo("123456 is your Acme verification code");
    }

    @Test
    void renderWhenProductNameHasMarkupThenHtmlEscaped() {
        Templates templates = templates(Map.of("TWOFOLD_PRODUCT_NAME", "<b>Acme</b>"));

        String html = templates.render(message(Channel.EMAIL, Locale.ENGLISH)).html();

        assertThat(html).contains("&lt;b&gt;Acme&lt;/b&gt;").doesNotContain("<b>Acme");
    }

    @Test
    void fromWhenFileOverridesAndAddsFrenchThenBothUsed(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("texts.properties");
        Files.writeString(file, "en.sms=Code {code} for {product}.\\n\\n@{host} #{code}\n"
                + "fr.sms={code} est votre code {product}. Valable {minutes} minutes.\\n\\n"
                + "@{host} #{code}\n", StandardCharsets.UTF_8);

        Templates templates = templates(Map.of("TWOFOLD_DELIVERY_TEMPLATES_FILE", file.toString()));

        assertThat(templates.render(message(Channel.SMS, Locale.ENGLISH)).text())
                .isEqualTo("Code 123456 for Twofold.\n\n@login.example-company.com #123456");
        assertThat(templates.render(message(Channel.SMS, Locale.FRENCH)).text())
                .startsWith("123456 est votre code Twofold. Valable 5 minutes.");
        assertThat(templates.render(message(Channel.EMAIL, Locale.FRENCH)).subject())
                .isEqualTo("123456 is your Twofold verification code");
    }

    @Test
    void fromWhenSmsTemplateTooLongThenStartUpStopsNamingTheKey(@TempDir Path folder)
            throws Exception {
        Path file = folder.resolve("texts.properties");
        Files.writeString(file, "en.sms=" + "x".repeat(160) + " {code}\n");

        assertThatThrownBy(() -> templates(
                Map.of("TWOFOLD_DELIVERY_TEMPLATES_FILE", file.toString())))
                .isInstanceOf(Settings.ConfigurationException.class)
                .hasMessageContaining("en.sms").hasMessageContaining("160");
    }
}
