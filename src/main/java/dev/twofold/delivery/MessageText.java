package dev.twofold.delivery;

/**
 * A message rendered for its channel: the text (SMS body, words to speak, or the plain-text
 * email part), and for email a subject and an HTML part (null otherwise).
 */
public record MessageText(String subject, String text, String html) {

    @Override
    public String toString() {
        return "MessageText[" + text.length() + " characters]";
    }
}
