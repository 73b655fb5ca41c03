package dev.twofold.mfa;

import dev.twofold.mfa.PresentedToken.LoginToken;
import dev.twofold.mfa.PresentedToken.MfaAccessToken;
import dev.twofold.server.Cors;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /mfa/authenticators} (an {@code mfa_token}, or an MFA-audience access token with
 * {@code read:authenticators}) and {@code DELETE /mfa/authenticators/{id}} (an access token
 * with {@code remove:authenticators}). Thread-safe.
 */
public final class AuthenticatorsEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticatorsEndpoint.class);

    private final Services services;
    private final MfaTokenReader reader;
    private final AuthenticatorStore authenticators;
    private final MfaAudit audit;

    public AuthenticatorsEndpoint(Services services, MfaTokenReader reader,
                                  AuthenticatorStore authenticators) {
        this.services = services;
        this.reader = reader;
        this.authenticators = authenticators;
        this.audit = new MfaAudit(services);
    }

    public void list(Context context) {
        PresentedToken token = reader.bearer(context, Optional.empty());
        Cors.callingClient(context, token.clientId());
        if (token instanceof MfaAccessToken access) {
            requireScope(access, "read:authenticators");
        }

        List<Map<String, Object>> items = authenticators.list(token.userId()).stream()
                .map(AuthenticatorsEndpoint::item).toList();
        context.header("Cache-Control", "no-store").json(items);
    }

    public void delete(Context context) {
        PresentedToken token = reader.bearer(context, Optional.empty());
        Cors.callingClient(context, token.clientId());
        MfaAccessToken access = requireRemover(token);
        String id = decoded(context.pathParam("id"));

        Authenticator authenticator = authenticators.find(id)
                .filter(found -> found.userId().equals(token.userId()))
                .orElseThrow(() -> ProtocolError.notFound("No authenticator " + id
                        + " exists for this user. List them with GET /mfa/authenticators."));
        services.database().inTransaction(handle -> {
            authenticators.delete(handle, authenticator.id());
            dropOrphanRecoveryCode(handle, token.userId());
            return null;
        });
        LOG.info("Authenticator {} of user {} removed by client {}", id, token.userId(),
                access.claims().clientId());
        audit.removed(token.userId(), authenticator.id(), access.claims().clientId());
        context.status(204);
    }

    private MfaAccessToken requireRemover(PresentedToken token) {
        if (token instanceof LoginToken) {
            throw ProtocolError.accessDenied("An mfa_token cannot remove authenticators."
                    + " Finish MFA in a token request with audience=" + services.mfaAudience()
                    + " and scope remove:authenticators, then send that access token.");
        }
        MfaAccessToken access = (MfaAccessToken) token;
        requireScope(access, "remove:authenticators");
        if (!access.passedMfa() && authenticators.hasActiveFactor(token.userId())) {
            throw ProtocolError.accessDenied("This access token did not pass MFA (its amr has"
                    + " no mfa), so it cannot remove a factor. Pass MFA with an existing"
                    + " authenticator and use the access token issued then.");
        }
        return access;
    }

    private void requireScope(MfaAccessToken access, String scope) {
        if (!access.claims().hasScope(scope)) {
            throw ProtocolError.insufficientScope(services.issuer(), scope, "The access token"
                    + " lacks scope " + scope + ". Request audience=" + services.mfaAudience()
                    + " with scope " + scope + ".");
        }
    }

    private void dropOrphanRecoveryCode(org.jdbi.v3.core.Handle handle, String userId) {
        boolean factorLeft = authenticators.list(handle, userId).stream()
                .anyMatch(a -> a.active() && a.kind() != AuthenticatorKind.RECOVERY_CODE);
        if (!factorLeft) {
            // Without a factor there is nothing to recover; the next enrollment shows a new code.
            handle.createUpdate("DELETE FROM authenticators WHERE user_id = :userId"
                            + " AND kind = :kind")
                    .bind("userId", userId)
                    .bind("kind", AuthenticatorKind.RECOVERY_CODE.idPrefix()).execute();
        }
    }

    private static String decoded(String pathParam) {
        // Clients send the '|' of ids both raw and as %7C (go-auth0, auth0-java encode it).
        if (!pathParam.contains("%")) {
            return pathParam;
        }
        try {
            return URLDecoder.decode(pathParam, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return pathParam; // Not an escape after all; looked up as sent (and not found).
        }
    }

    private static Map<String, Object> item(Authenticator authenticator) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", authenticator.id());
        item.put("authenticator_type", authenticator.kind().authenticatorType());
        item.put("active", authenticator.active());
        authenticator.kind().channel().ifPresent(channel ->
                item.put("oob_channel", channel.wireName()));
        authenticator.displayName().ifPresent(name -> item.put("name", name));
        item.put("type", authenticator.kind().requirementType());
        return item;
    }
}
