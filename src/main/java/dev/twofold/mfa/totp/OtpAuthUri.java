package dev.twofold.mfa.totp;

import java.nio.charset.StandardCharsets;

/**
 * The {@code otpauth://totp/…} URI of Google Authenticator's Key URI Format, written in one
 * canonical encoding: every byte of the UTF-8 form outside RFC 3986's unreserved set is
 * percent-encoded (so a space is {@code %20}, never {@code +}, and {@code @} is {@code %40}),
 * with a literal {@code :} between issuer and account. Parameters come in the order
 * {@code secret, issuer, algorithm, digits, period}. Stateless.
 */
public final class OtpAuthUri {

    private static final String UNRESERVED =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    private OtpAuthUri() {
    }

    /** The URI for a base32 secret with SHA-1, 6 digits and 30 seconds. */
    public static String of(String issuer, String account, String base32Secret) {
        return "otpauth://totp/" + encode(issuer) + ":" + encode(account)
                + "?secret=" + base32Secret
                + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=6&period=30";
    }

    /** RFC 3986 §2.1 percent-encoding of every byte outside the unreserved set (§2.3). */
    static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte value : text.getBytes(StandardCharsets.UTF_8)) {
            int unsigned = value & 0xFF;
            if (unsigned < 0x80 && UNRESERVED.indexOf(unsigned) >= 0) {
                out.append((char) unsigned);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(unsigned >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(unsigned & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
