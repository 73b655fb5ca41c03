package dev.twofold.oauth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a finished (or half-finished) authentication proved: which user, at which client, for
 * which audience and scope, with which factors. Grants build one and hand it to the
 * {@link TokenIssuer}.
 *
 * @param audience the resource server identifier the access token is for; empty for the
 *     default (the userinfo endpoint only, as Auth0 does without an audience)
 * @param amr RFC 8176 method references, in the order they were proved: {@code pwd},
 *     {@code otp}, {@code sms}, {@code tel}, {@code mfa}, …
 * @param acr the authentication context class reference, e.g. the PAPE multi-factor URI
 * @param authTime when the user last entered their first factor (OIDC {@code auth_time})
 * @param nonce the OIDC nonce to copy into the ID token
 */
public record Authentication(
        String userId,
        String clientId,
        Optional<String> audience,
        Set<String> scope,
        List<String> amr,
        Optional<String> acr,
        Instant authTime,
        Optional<String> nonce) {

    /** The PAPE policy URI that Auth0 uses as {@code acr} after a second factor. */
    public static final String ACR_MFA =
            "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

    public Authentication {
        scope = Set.copyOf(scope);
        amr = List.copyOf(amr);
    }

    public boolean hasScope(String name) {
        return scope.contains(name);
    }

    /** A copy whose {@code amr} adds the methods of a passed second factor, plus {@code mfa}. */
    public Authentication withSecondFactor(List<String> methods) {
        List<String> all = new ArrayList<>(amr);
        methods.stream().filter(method -> !all.contains(method)).forEach(all::add);
        if (!all.contains("mfa")) {
            all.add("mfa");
        }
        return new Authentication(userId, clientId, audience, scope, all, Optional.of(ACR_MFA),
                authTime, nonce);
    }
}
