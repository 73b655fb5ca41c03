package dev.twofold.oauth;

import dev.twofold.server.Setting;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Issues access tokens as RFC 9068 JWTs, ID tokens (OIDC Core §2) and rotating refresh tokens.
 * Every grant ends here. Thread-safe.
 */
public final class JwtTokenIssuer implements TokenIssuer {

    /** The {@code typ} header of an access token (RFC 9068 §2.1). */
    public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");
    /** ID tokens live ten hours, Auth0's default. */
    static final Duration ID_TOKEN_LIFETIME = Duration.ofHours(10);
    static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(30);

    private final Services services;
    private final Audiences audiences;
    private final RefreshTokenStore refreshTokens;
    private final Duration refreshLifetime;

    public JwtTokenIssuer(Services services, Audiences audiences,
                          RefreshTokenStore refreshTokens) {
        this.services = services;
        this.audiences = audiences;
        this.refreshTokens = refreshTokens;
        this.refreshLifetime = services.settings().getDuration(Setting.REFRESH_TOKEN_LIFETIME);
    }

    @Override
    public TokenResponse issue(Authentication authentication) {
        String familyId = Randoms.id("fam_");
        if (!wantsRefreshToken(authentication, audiences.resolve(authentication.audience()))) {
            return issue(null, authentication, familyId, Long.MAX_VALUE, Optional.empty());
        }
        return services.database().inTransaction(handle ->
                issue(handle, authentication, familyId, Long.MAX_VALUE, Optional.empty()));
    }

    @Override
    public TokenResponse issue(Handle handle, Authentication authentication) {
        return issue(handle, authentication, Randoms.id("fam_"), Long.MAX_VALUE,
                Optional.empty());
    }

    /**
     * Issues tokens in an existing refresh-token family, within the caller's transaction (the
     * refresh grant spends the old token in the same one). {@code handle} may be null when no
     * refresh token will be issued. The new refresh token expires at {@code familyExpiresAt}
     * at the latest, so rotation never extends a login past its absolute lifetime.
     * {@code user} is the authenticated user when the caller has read it already (the ID
     * token's profile claims come from it); empty, it is read here.
     */
    TokenResponse issue(Handle handle, Authentication authentication, String familyId,
                        long familyExpiresAt, Optional<User> user) {
        Audience audience = audiences.resolve(authentication.audience());
        Instant now = services.clock().instant();
        Optional<String> refreshToken = Optional.empty();
        List<String> scope = new ArrayList<>(authentication.scope());
        if (!wantsRefreshToken(authentication, audience)) {
            scope.remove("offline_access");
        } else {
            refreshToken = Optional.of(Randoms.token("rt_"));
            refreshTokens.insert(handle, refreshToken.get(), familyId, authentication,
                    now.toEpochMilli(), Math.min(familyExpiresAt,
                            now.plus(refreshLifetime).toEpochMilli()));
        }
        String accessToken = accessToken(authentication, audience, scope, familyId, now);
        Optional<String> idToken = authentication.hasScope("openid")
                ? Optional.of(idToken(authentication, familyId, now, accessToken, user))
                : Optional.empty();
        return new TokenResponse(accessToken, audience.tokenLifetime().toSeconds(),
                String.join(" ", scope.stream().sorted().toList()), idToken, refreshToken,
                Map.of(), authentication.userId());
    }

    private boolean wantsRefreshToken(Authentication authentication, Audience audience) {
        return authentication.hasScope("offline_access") && audience.allowOfflineAccess()
                && !isClientSubject(authentication);
    }

    private static boolean isClientSubject(Authentication authentication) {
        return authentication.amr().isEmpty()
                && authentication.userId().equals(authentication.clientId() + "@clients");
    }

    private String accessToken(Authentication authentication, Audience audience,
                               List<String> scope, String familyId, Instant now) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(services.issuer())
                .subject(authentication.userId())
                .audience(audienceClaim(authentication, audience))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(audience.tokenLifetime())))
                .jwtID(Randoms.id("at_"))
                .claim("client_id", authentication.clientId())
                .claim("scope", String.join(" ", scope.stream().sorted().toList()))
                .claim("sid", familyId);
        authenticationClaims(claims, authentication);
        if (isClientSubject(authentication)) {
            claims.claim("gty", "client-credentials");
        }
        return services.signingKeys().sign(JWSAlgorithm.parse(audience.signingAlg()),
                ACCESS_TOKEN_TYPE, claims.build());
    }

    private List<String> audienceClaim(Authentication authentication, Audience audience) {
        List<String> values = new ArrayList<>();
        audience.identifier().ifPresent(values::add);
        if (audience.identifier().isEmpty() || authentication.hasScope("openid")) {
            values.add(userinfoAudience());
        }
        return values;
    }

    /** The audience of the userinfo endpoint, {@code {issuer}userinfo}, as Auth0 names it. */
    String userinfoAudience() {
        return services.issuer() + "userinfo";
    }

    private static void authenticationClaims(JWTClaimsSet.Builder claims,
                                             Authentication authentication) {
        if (authentication.amr().isEmpty()) {
            return; // No user authenticated (client credentials): no auth_time, no amr.
        }
        claims.claim("auth_time", authentication.authTime().getEpochSecond())
                .claim("amr", authentication.amr());
        authentication.acr().ifPresent(acr -> claims.claim("acr", acr));
    }

    private String idToken(Authentication authentication, String familyId, Instant now,
                           String accessToken, Optional<User> known) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(services.issuer())
                .subject(authentication.userId())
                .audience(authentication.clientId())
                .claim("azp", authentication.clientId())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ID_TOKEN_LIFETIME)))
                .claim("sid", familyId)
                .claim("at_hash", accessTokenHash(accessToken));
        authentication.nonce().ifPresent(nonce -> claims.claim("nonce", nonce));
        authenticationClaims(claims, authentication);
        known.filter(user -> user.userId().equals(authentication.userId()))
                .or(() -> services.users().find(authentication.userId()))
                .ifPresent(user -> UserClaims.of(user, authentication.scope())
                        .forEach(claims::claim));
        return services.signingKeys().sign(idTokenAlgorithm(authentication.clientId()),
                JOSEObjectType.JWT, claims.build());
    }

    /** The client's {@code jwt_configuration.alg}; RS256 when the client is unknown. */
    private JWSAlgorithm idTokenAlgorithm(String clientId) {
        return JWSAlgorithm.parse(services.clients().find(clientId)
                .map(client -> client.idTokenSigningAlg()).orElse("RS256"));
    }

    /** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token. */
    static String accessTokenHash(String accessToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Arrays.copyOf(digest, digest.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
