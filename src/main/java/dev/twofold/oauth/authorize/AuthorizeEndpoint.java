package dev.twofold.oauth.authorize;

import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.Client;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /authorize} (RFC 6749 §4.1.1, OIDC Core §3.1.2): checks the request, stores it
 * as pending and hands the browser to the hosted pages. Errors before the client and redirect
 * URI are trusted get an HTML page; later ones are redirected to the client. Thread-safe.
 */
public final class AuthorizeEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizeEndpoint.class);

    private final AuthorizeChecks checks;
    private final PendingAuthorizationStore pendingRequests;
    private final AuthorizationUi ui;

    public AuthorizeEndpoint(Services services, PendingAuthorizationStore pendingRequests,
                             AuthorizationUi ui) {
        this.checks = new AuthorizeChecks(services);
        this.pendingRequests = pendingRequests;
        this.ui = ui;
    }

    public void handle(Context context) {
        context.header("Cache-Control", "no-store");
        Params query;
        Client client;
        try {
            query = Params.fromQuery(Optional.ofNullable(context.queryString()).orElse(""));
            client = checks.trustedClient(query);
        } catch (ProtocolError error) {
            LOG.debug("Authorization request refused before redirecting: {}", error.error());
            ui.showError(context, error);
            return;
        }
        try {
            AuthorizeRequest request = checks.validate(query, client);
            ui.interact(context, pendingRequests.create(request, ui.browserHash(context)));
        } catch (ProtocolError error) {
            LOG.debug("Authorization request of client {} refused: {}", client.clientId(),
                    error.error());
            context.redirect(AuthorizationResponses.error(query.list("redirect_uri").get(0),
                    singleState(query), error));
        }
    }

    /** The state to echo; a repeated state is ambiguous, so none is echoed then. */
    private static Optional<String> singleState(Params query) {
        List<String> states = query.list("state");
        return states.size() == 1 && !states.get(0).isEmpty()
                ? Optional.of(states.get(0)) : Optional.empty();
    }
}
