package dev.twofold.delivery;

/**
 * The GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1): an SMS of at most 160 such
 * characters is one message; any other character makes it UCS-2 with 70 per message.
 */
final class Gsm7 {

    /** Characters of one single-part GSM-7 SMS. */
    static final int SINGLE_MESSAGE = 160;

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./"
            + "0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    // Characters of the extension table take an escape character plus their own: two septets.
    private static final String EXTENSION = "\f^{}\\[~]|€";

    private Gsm7() {
    }

    /** The length in septets, or -1 when a character is outside the GSM-7 alphabet. */
    static int length(String text) {
        int septets = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (BASIC.indexOf(c) >= 0) {
                septets += 1;
            } else if (EXTENSION.indexOf(c) >= 0) {
                septets += 2;
            } else {
                return -1;
            }
        }
        return septets;
    }

    /** Whether the text is GSM-7 and at most {@code limit} septets long. */
    static boolean fits(String text, int limit) {
        int length = length(text);
        return length >= 0 && length <= limit;
    }
}
