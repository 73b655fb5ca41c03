package dev.twofold.management;

import static dev.twofold.management.ManagementScopes.CREATE_CLIENT_GRANTS;
import static dev.twofold.management.ManagementScopes.DELETE_CLIENT_GRANTS;
import static dev.twofold.management.ManagementScopes.READ_CLIENT_GRANTS;
import static dev.twofold.management.ManagementScopes.UPDATE_CLIENT_GRANTS;

import dev.twofold.crypto.Randoms;
import dev.twofold.server.Services;
import dev.twofold.store.ResourceServer;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v2/client-grants}: which client may get client-credentials tokens for which
 * audience, with which scopes. Thread-safe.
 */
final class ClientGrantsEndpoint {

    private static final Set<String> CREATE_FIELDS = Set.of("client_id", "audience", "scope");
    private static final Set<String> UPDATE_FIELDS = Set.of("scope");

    private final Services services;
    private final ClientGrantStore store;

    ClientGrantsEndpoint(Services services, ClientGrantStore store) {
        this.services = services;
        this.store = store;
    }

    void register(ManagementRoutes routes) {
        routes.post("/client-grants", CREATE_CLIENT_GRANTS, this::create);
        routes.get("/client-grants", READ_CLIENT_GRANTS, this::list);
        routes.patch("/client-grants/{id}", UPDATE_CLIENT_GRANTS, this::update);
        routes.delete("/client-grants/{id}", DELETE_CLIENT_GRANTS, this::delete);
    }

    private void create(Context context) {
        JsonBody body = JsonBody.parse(context, CREATE_FIELDS);
        String clientId = body.requiredString("client_id");
        String audience = body.requiredString("audience");
        if (services.clients().find(clientId).isEmpty()) {
            throw ManagementErrors.notFound("client", "No client has client_id " + clientId
                    + "; create it with POST /api/v2/clients first.");
        }
        List<String> scope = checkedScope(audience, body.strings("scope").orElse(List.of()));
        ClientGrant grant = new ClientGrant(Randoms.id("cgr_"), clientId, audience, scope,
                services.clock().millis());
        if (!store.insert(grant)) {
            throw ManagementErrors.conflict("client_grant_conflict", "Client " + clientId
                    + " already has a grant for " + audience + "; change its scope with"
                    + " PATCH /api/v2/client-grants/{id}.");
        }
        context.status(201).json(view(grant));
    }

    private void list(Context context) {
        Paging paging = Paging.from(context);
        String audience = context.queryParam("audience");
        String clientId = context.queryParam("client_id");
        List<ClientGrant> all = store.list().stream()
                .filter(grant -> audience == null || grant.audience().equals(audience))
                .filter(grant -> clientId == null || grant.clientId().equals(clientId))
                .toList();
        List<Object> page = paging.slice(all).stream().<Object>map(ClientGrantsEndpoint::view)
                .toList();
        context.json(paging.answer("client_grants", page, all.size()));
    }

    private void update(Context context) {
        ClientGrant current = existing(context.pathParam("id"));
        JsonBody body = JsonBody.parse(context, UPDATE_FIELDS);
        List<String> scope = checkedScope(current.audience(),
                body.strings("scope").orElse(current.scope()));
        store.updateScope(current.id(), scope);
        context.json(view(existing(current.id())));
    }

    private void delete(Context context) {
        if (!store.delete(context.pathParam("id"))) {
            throw notFound(context.pathParam("id"));
        }
        context.status(204);
    }

    private ClientGrant existing(String id) {
        return store.find(id).orElseThrow(() -> notFound(id));
    }

    private static dev.twofold.server.ProtocolError notFound(String id) {
        return ManagementErrors.notFound("client_grant", "No client grant has id " + id
                + "; list them with GET /api/v2/client-grants.");
    }

    /** The requested scopes, each of which the audience must define. */
    private List<String> checkedScope(String audience, List<String> scope) {
        Set<String> defined = definedScopes(audience);
        for (String item : scope) {
            if (!defined.contains(item)) {
                throw ManagementErrors.invalidBody("Scope " + item + " is not defined by "
                        + audience + ", which defines " + new java.util.TreeSet<>(defined)
                        + ". Add it to the resource server first.");
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(scope));
    }

    private Set<String> definedScopes(String audience) {
        if (audience.equals(services.managementAudience())) {
            return Set.copyOf(ManagementScopes.ALL);
        }
        return services.resourceServers().findByIdentifier(audience)
                .map(ResourceServer::scopes).<Set<String>>map(Set::copyOf)
                .orElseThrow(() -> ManagementErrors.notFound("resource_server", "No resource"
                        + " server has identifier " + audience + "; create it with"
                        + " POST /api/v2/resource-servers, or use "
                        + services.managementAudience() + "."));
    }

    static Map<String, Object> view(ClientGrant grant) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", grant.id());
        body.put("client_id", grant.clientId());
        body.put("audience", grant.audience());
        body.put("scope", grant.scope());
        return body;
    }
}
