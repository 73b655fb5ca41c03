package dev.twofold.oauth;

import dev.twofold.ops.AuditEvent;
import dev.twofold.ops.AuditType;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import dev.twofold.store.User;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code grant_type=refresh_token} (RFC 6749 §6) with rotation and reuse detection
 * (RFC 9700 §4.14.2): every refresh spends the presented token and issues a new one of the same
 * family; a spent token presented again revokes the whole family and the access tokens minted
 * from it. The new tokens keep the {@code amr}, {@code acr} and {@code auth_time} of the
 * original login. Thread-safe.
 */
public final class RefreshTokenGrant implements Grant {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenGrant.class);
    /** How long a family revocation is kept: longer than any access token it covers lives. */
    static final Duration REVOCATION_KEPT = Duration.ofDays(31);

    private final Services services;
    private final RefreshTokenStore refreshTokens;
    private final JwtTokenIssuer issuer;
    private final Revocations revocations;

    public RefreshTokenGrant(Services services, RefreshTokenStore refreshTokens,
                             JwtTokenIssuer issuer, Revocations revocations) {
        this.services = services;
        this.refreshTokens = refreshTokens;
        this.issuer = issuer;
        this.revocations = revocations;
    }

    @Override
    public String grantType() {
        return "refresh_token";
    }

    @Override
    public TokenResponse handle(TokenRequest request) {
        Params params = request.params();
        String token = params.required("refresh_token");
        RefreshTokenStore.Stored stored = find(token);
        checkClient(stored, request.client());
        checkLive(stored);
        User user = activeUser(stored.userId());

        Authentication login = narrowed(stored, params);
        Authentication passed = services.mfaGate().afterFirstFactor(login, request.client(),
                params);

        return rotate(stored, passed, user);
    }

    private RefreshTokenStore.Stored find(String token) {
        if (!token.startsWith("rt_")) {
            String kind = TokenKinds.kind(token);
            throw ProtocolError.invalidGrant("refresh_token is " + (kind != null ? kind
                    : "not a refresh token") + "; send the refresh_token field (rt_…) of a"
                    + " token response whose scope included offline_access.");
        }
        return refreshTokens.find(token).orElseThrow(() -> ProtocolError.invalidGrant(
                "Unknown or invalid refresh token."));
    }

    private static void checkClient(RefreshTokenStore.Stored stored, Client client) {
        if (!stored.clientId().equals(client.clientId())) {
            throw ProtocolError.invalidGrant("The refresh token was issued to another client;"
                    + " a client can only use its own refresh tokens.");
        }
    }

    private void checkLive(RefreshTokenStore.Stored stored) {
        if (stored.revokedAt().isPresent() || stored.familyRevoked()) {
            throw ProtocolError.invalidGrant("The refresh token was revoked; log in again.");
        }
        if (stored.rotatedAt().isPresent()) {
            revokeFamily(stored.familyId());
            LOG.warn("A rotated refresh token was presented again; revoked its family {}",
                    stored.familyId());
            services.auditLog().record(AuditEvent.of(AuditType.REFRESH_TOKEN_REUSE)
                    .user(stored.userId()).client(stored.clientId())
                    .detail("family_id", stored.familyId()).outcomeOfRequest().build());
            throw ProtocolError.invalidGrant("The refresh token was already used; a used"
                    + " refresh token presented again means it may have been stolen, so every"
                    + " token of this login is now revoked. Log in again.");
        }
        if (services.clock().millis() >= stored.expiresAt()) {
            throw ProtocolError.invalidGrant("The refresh token expired; log in again.");
        }
    }

    /** Revokes a family's refresh tokens and the access tokens minted from it. */
    void revokeFamily(String familyId) {
        long now = services.clock().millis();
        services.database().inTransaction(handle -> {
            refreshTokens.revokeFamily(handle, familyId, now);
            revocations.revoke(handle, familyId, now, now + REVOCATION_KEPT.toMillis());
            return null;
        });
    }

    private User activeUser(String userId) {
        User user = services.users().find(userId).orElseThrow(() ->
                ProtocolError.invalidGrant("Unknown or invalid refresh token."));
        if (user.blocked()) {
            throw ProtocolError.invalidGrant("user is blocked");
        }
        return user;
    }

    /** The original login, its scope narrowed if the request asks for less (RFC 6749 §6). */
    private static Authentication narrowed(RefreshTokenStore.Stored stored, Params params) {
        Authentication original = stored.details().toAuthentication(stored.userId(),
                stored.clientId());
        Set<String> requested = Audiences.parseScope(params.single("scope"));
        if (requested.isEmpty()) {
            return original;
        }
        if (!original.scope().containsAll(requested)) {
            throw ProtocolError.invalidScope("The requested scope exceeds the scope granted"
                    + " at login (" + String.join(" ", original.scope().stream().sorted()
                    .toList()) + "); a refresh can only keep or narrow it.");
        }
        return new Authentication(original.userId(), original.clientId(), original.audience(),
                requested, original.amr(), original.acr(), original.authTime(),
                Optional.empty());
    }

    private TokenResponse rotate(RefreshTokenStore.Stored stored, Authentication passed,
                                 User user) {
        long now = services.clock().millis();
        return services.database().inTransaction(handle -> {
            if (!refreshTokens.spend(handle, stored.tokenHash(), now)) {
                LOG.debug("Refresh token lost a concurrent rotation for user {}",
                        user.userId());
                throw ProtocolError.invalidGrant("The refresh token was just used by another"
                        + " request; use the refresh token that request received.");
            }
            return issuer.issue(handle, passed, stored.familyId(), stored.expiresAt(),
                    Optional.of(user));
        });
    }
}
