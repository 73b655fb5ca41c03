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
 * @param authTime when the user last proved a factor (OIDC {@code auth_time}): the password,
 *     or the later second factor
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

    /**
     * A copy after a second factor proved at {@code provedAt}: {@code amr} keeps the methods
     * proved before, in order, adds the new factor's methods not yet named, and ends with
     * {@code mfa}; {@code acr} becomes the PAPE multi-factor URI; {@code auth_time} becomes
     * {@code provedAt} (OIDC Core §2: the time the user last actively authenticated).
     */
    public Authentication withSecondFactor(List<String> methods, Instant provedAt) {
        List<String> all = new ArrayList<>(amr);
        all.remove("mfa");
        methods.stream().filter(method -> !all.contains(method)).forEach(all::add);
        all.add("mfa");
        return new Authentication(userId, clientId, audience, scope, all, Optional.of(ACR_MFA),
                provedAt, nonce);
    }
}
