package dev.twofold.mfa;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;

/** Reads the RFC 6750 §2.1 {@code Authorization: Bearer} header. Stateless. */
public final class Bearer {

    private Bearer() {
    }

    /** The token of the header, or empty when there is no bearer header. */
    public static Optional<String> token(Context context) {
        String header = context.header("Authorization");
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return Optional.empty();
        }
        String token = header.substring("bearer ".length()).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
