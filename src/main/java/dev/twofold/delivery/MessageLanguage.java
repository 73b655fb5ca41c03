package dev.twofold.delivery;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the language of a code message from a request's {@code Accept-Language}
 * (RFC 9110 §12.5.4, RFC 4647 lookup) among the languages that have templates; English when
 * the header is absent, malformed or names none of them.
 */
public final class MessageLanguage {

    private MessageLanguage() {
    }

    /** The best available language for the header; English when none matches. */
    public static Locale fromAcceptLanguage(Optional<String> header, Set<String> available) {
        return header.flatMap(value -> lookup(value, available))
                .map(Locale::forLanguageTag)
                .orElse(Locale.ENGLISH);
    }

    private static Optional<String> lookup(String header, Set<String> available) {
        try {
            return Optional.ofNullable(Locale.lookupTag(Locale.LanguageRange.parse(header),
                    List.copyOf(available)));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }
}
