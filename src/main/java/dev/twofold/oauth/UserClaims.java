package dev.twofold.oauth;

import dev.twofold.store.User;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The standard claims of a user (OIDC Core §5.4) released by the scopes that ask for them. */
final class UserClaims {

    private UserClaims() {
    }

    /** The {@code profile} and {@code email} claims the scope releases; never {@code sub}. */
    static Map<String, Object> of(User user, Set<String> scope) {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (scope.contains("profile")) {
            user.name().ifPresent(value -> claims.put("name", value));
            user.nickname().ifPresent(value -> claims.put("nickname", value));
            user.givenName().ifPresent(value -> claims.put("given_name", value));
            user.familyName().ifPresent(value -> claims.put("family_name", value));
            user.picture().ifPresent(value -> claims.put("picture", value));
            claims.put("updated_at", Instant.ofEpochMilli(user.updatedAt()).toString());
        }
        if (scope.contains("email") && user.email().isPresent()) {
            claims.put("email", user.email().get());
            claims.put("email_verified", user.emailVerified());
        }
        return claims;
    }
}
