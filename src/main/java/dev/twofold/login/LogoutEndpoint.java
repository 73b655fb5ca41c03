package dev.twofold.login;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import dev.twofold.oauth.authorize.AuthorizationResponses;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import io.javalin.http.Context;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the browser session: {@code GET /v2/logout} as Auth0 answers it ({@code client_id},
 * {@code returnTo}) and {@code GET /oidc/logout} (OpenID Connect RP-Initiated Logout 1.0:
 * {@code id_token_hint}, {@code post_logout_redirect_uri}, {@code state}, {@code client_id}).
 * A return address must be one of the client's allowed logout URLs, exactly. Thread-safe.
 */
final class LogoutEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(LogoutEndpoint.class);

    private final Services services;
    private final BrowserSessionStore sessions;
    private final Cookies cookies;
    private final Pages pages;

    LogoutEndpoint(Services services, BrowserSessionStore sessions, Cookies cookies,
                   Pages pages) {
        this.services = services;
        this.sessions = sessions;
        this.cookies = cookies;
        this.pages = pages;
    }

    /** {@code GET /v2/logout}. */
    void auth0(Context context) {
        try {
            Params query = query(context);
            Optional<String> returnTo = query.single("returnTo");
            Optional<Client> client = query.single("client_id").map(this::client);
            returnTo.ifPresent(address -> checkAllowed(client, address, "returnTo"));
            endSession(context);
            answer(context, returnTo);
        } catch (ProtocolError error) {
            refuse(context, error);
        }
    }

    /** {@code GET /oidc/logout}. */
    void oidc(Context context) {
        try {
            Params query = query(context);
            Optional<String> hintedClient = query.single("id_token_hint").map(this::audienceOf);
            Optional<Client> client = clientOf(query.single("client_id"), hintedClient);
            Optional<String> redirect = query.single("post_logout_redirect_uri");
            redirect.ifPresent(address -> checkAllowed(client, address,
                    "post_logout_redirect_uri"));
            endSession(context);
            answer(context, redirect.map(address -> withState(address, query.single("state"))));
        } catch (ProtocolError error) {
            refuse(context, error);
        }
    }

    private static Params query(Context context) {
        return Params.fromQuery(Optional.ofNullable(context.queryString()).orElse(""))
                .requireNoRepeats();
    }

    private Client client(String clientId) {
        return services.clients().find(clientId).orElseThrow(() -> ProtocolError.of(400,
                "invalid_client", "No client has the client_id in this request; check the"
                        + " client ID in your application's settings."));
    }

    private Optional<Client> clientOf(Optional<String> clientId, Optional<String> hinted) {
        if (clientId.isPresent() && hinted.isPresent() && !clientId.equals(hinted)) {
            throw ProtocolError.invalidRequest("client_id differs from the audience of"
                    + " id_token_hint; send the ID token issued to this client.");
        }
        return clientId.or(() -> hinted).map(this::client);
    }

    private static void checkAllowed(Optional<Client> client, String address, String name) {
        if (client.isEmpty()) {
            throw ProtocolError.invalidRequest(name + " needs the client it belongs to; send"
                    + " client_id" + (name.equals("returnTo") ? "" : " or id_token_hint") + ".");
        }
        if (!client.get().logoutUrls().contains(address)) {
            throw ProtocolError.invalidRequest(name + " is not one of the allowed logout URLs"
                    + " of this client; add it to the client's allowed logout URLs, or send one"
                    + " of them exactly.");
        }
    }

    /**
     * The client an ID token was issued to, after checking it is ours: a known key's
     * signature and our issuer. Expiry is not checked: an expired ID token is still a valid
     * hint (RP-Initiated Logout §2).
     */
    private String audienceOf(String idToken) {
        try {
            SignedJWT jwt = SignedJWT.parse(idToken);
            JWK key = services.signingKeys().publicKey(jwt.getHeader().getKeyID())
                    .orElseThrow(() -> badHint("is not signed by a key of this server"));
            JWSVerifier verifier = new DefaultJWSVerifierFactory().createJWSVerifier(
                    jwt.getHeader(), ((AsymmetricJWK) key).toPublicKey());
            List<String> audience = jwt.getJWTClaimsSet().getAudience();
            if (!jwt.verify(verifier) || audience.isEmpty()
                    || !services.issuer().equals(jwt.getJWTClaimsSet().getIssuer())) {
                throw badHint("is not an ID token issued by this server");
            }
            return audience.get(0);
        } catch (ParseException | JOSEException | ClassCastException e) {
            throw badHint("is not a signed JWT");
        }
    }

    private static ProtocolError badHint(String problem) {
        return ProtocolError.invalidRequest("id_token_hint " + problem + "; send the ID token"
                + " this server issued to the client, or leave id_token_hint out.");
    }

    // Known gap: logout asks for no confirmation, so another site can sign a user out by
    // linking here (logout CSRF); it cannot sign anyone in.
    private void endSession(Context context) {
        boolean ended = cookies.session(context).map(sessions::revoke).orElse(false);
        cookies.clearSession(context);
        LOG.debug("Logout {}", ended ? "ended a session" : "found no live session");
    }

    private void answer(Context context, Optional<String> redirect) {
        context.header("Cache-Control", "no-store");
        if (redirect.isPresent()) {
            context.redirect(redirect.get());
            return;
        }
        pages.notice(context, "logout.title", "logout.text");
    }

    private static String withState(String address, Optional<String> state) {
        Map<String, String> parameters = new LinkedHashMap<>();
        state.ifPresent(value -> parameters.put("state", value));
        return parameters.isEmpty() ? address
                : AuthorizationResponses.append(address, parameters);
    }

    private void refuse(Context context, ProtocolError error) {
        LOG.debug("Logout refused: {}", error.error());
        pages.error(context, 400, "error.title.logout", error);
    }
}
