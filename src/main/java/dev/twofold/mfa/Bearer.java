package dev.twofold.mfa;

import dev.twofold.oauth.AccessTokenVerifier;
import io.javalin.http.Context;
import java.util.Optional;

/** Reads the RFC 6750 §2.1 {@code Authorization: Bearer} header. Stateless. */
public final class Bearer {

    private Bearer() {
    }

    /** The token of the header, or empty when there is no bearer header. */
    public static Optional<String> token(Context context) {
        return AccessTokenVerifier.bearerToken(context);
    }
}
