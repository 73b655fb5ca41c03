package dev.twofold.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Strict decoding of {@code application/x-www-form-urlencoded} components: {@code +} is a
 * space, {@code %XX} a byte, and the bytes must be UTF-8. A broken escape is refused rather
 * than guessed at. Stateless and thread-safe.
 */
final class FormCodec {

    private FormCodec() {
    }

    static String decode(String component) {
        return decode(component, "form body");
    }

    /** Decodes one component; {@code source} names where it came from in a refusal. */
    static String decode(String component, String source) {
        if (component.indexOf('%') < 0 && component.indexOf('+') < 0) {
            return component;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(component.length());
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                bytes.write(hexByte(component, i, source));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return Params.decodeUtf8(bytes.toByteArray(), "The " + source);
    }

    private static int hexByte(String text, int percentAt, String source) {
        if (percentAt + 2 >= text.length()) {
            throw ProtocolError.invalidRequest("The " + source + " has a truncated %-escape;"
                    + " write % as %25 and each escape as % and two hex digits.");
        }
        int high = Character.digit(text.charAt(percentAt + 1), 16);
        int low = Character.digit(text.charAt(percentAt + 2), 16);
        if (high < 0 || low < 0) {
            throw ProtocolError.invalidRequest("The " + source + " has an invalid %-escape"
                    + " (%" + RequestJson.echo(text.substring(percentAt + 1, percentAt + 3))
                    + "); write % as %25 and each escape as % and two hex digits.");
        }
        return high * 16 + low;
    }
}
