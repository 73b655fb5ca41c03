package dev.twofold.management;

import static dev.twofold.management.ManagementScopes.CREATE_RESOURCE_SERVERS;
import static dev.twofold.management.ManagementScopes.DELETE_RESOURCE_SERVERS;
import static dev.twofold.management.ManagementScopes.READ_RESOURCE_SERVERS;
import static dev.twofold.management.ManagementScopes.UPDATE_RESOURCE_SERVERS;

import com.fasterxml.jackson.databind.JsonNode;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Services;
import dev.twofold.store.ResourceServer;
import io.javalin.http.Context;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v2/resource-servers}: the APIs access tokens are issued for. A resource server
 * is found by its id or by its identifier (URL-encoded), as Auth0 allows. Thread-safe.
 */
final class ResourceServersEndpoint {

    static final Set<String> FIELDS = Set.of("identifier", "name", "signing_alg", "scopes",
            "token_lifetime", "allow_offline_access");
    private static final int MIN_LIFETIME = 60;
    private static final int MAX_LIFETIME = 2_592_000;

    private final Services services;

    ResourceServersEndpoint(Services services) {
        this.services = services;
    }

    void register(ManagementRoutes routes) {
        routes.post("/resource-servers", CREATE_RESOURCE_SERVERS, this::create);
        routes.get("/resource-servers", READ_RESOURCE_SERVERS, this::list);
        routes.get("/resource-servers/{id}", READ_RESOURCE_SERVERS, this::get);
        routes.patch("/resource-servers/{id}", UPDATE_RESOURCE_SERVERS, this::update);
        routes.delete("/resource-servers/{id}", DELETE_RESOURCE_SERVERS, this::delete);
    }

    private void create(Context context) {
        JsonBody body = JsonBody.parse(context, FIELDS);
        String identifier = body.requiredString("identifier");
        if (identifier.equals(services.mfaAudience())
                || identifier.equals(services.managementAudience())
                || services.resourceServers().findByIdentifier(identifier).isPresent()) {
            throw ManagementErrors.conflict("resource_server_conflict", "A resource server"
                    + " with identifier " + identifier + " already exists; choose another.");
        }
        long now = services.clock().millis();
        ResourceServer server = new ResourceServer(HexFormat.of().formatHex(Randoms.bytes(12)),
                identifier, body.string("name").orElse(identifier), alg(body, "RS256"),
                List.of(), lifetime(body, 86_400),
                body.bool("allow_offline_access").orElse(false), false, now, now);
        save(server, scopes(body));
        context.status(201).json(view(existing(server.id())));
    }

    private void list(Context context) {
        Paging paging = Paging.from(context);
        List<ResourceServer> all = services.resourceServers().list();
        List<Object> page = paging.slice(all).stream().<Object>map(this::view).toList();
        context.json(paging.answer("resource_servers", page, all.size()));
    }

    private void get(Context context) {
        context.json(view(existing(context.pathParam("id"))));
    }

    private void update(Context context) {
        ResourceServer current = existing(context.pathParam("id"));
        JsonBody body = JsonBody.parse(context, FIELDS);
        if (body.has("identifier")
                && !body.requiredString("identifier").equals(current.identifier())) {
            throw ManagementErrors.invalidBody("The identifier of a resource server cannot"
                    + " change (tokens already carry it as aud); create a new one instead.");
        }
        ResourceServer server = new ResourceServer(current.id(), current.identifier(),
                body.string("name").orElse(current.name()), alg(body, current.signingAlg()),
                current.scopes(), lifetime(body, current.tokenLifetime()),
                body.bool("allow_offline_access").orElse(current.allowOfflineAccess()),
                current.system(), current.createdAt(), services.clock().millis());
        save(server, body.has("scopes") ? scopes(body) : descriptions(current));
        context.json(view(existing(server.id())));
    }

    private void delete(Context context) {
        ResourceServer server = existing(context.pathParam("id"));
        if (!services.resourceServers().delete(server.id())) {
            throw ManagementErrors.invalidBody("Resource server " + server.identifier()
                    + " is a system API and cannot be deleted.");
        }
        context.status(204);
    }

    private ResourceServer existing(String idOrIdentifier) {
        return services.resourceServers().find(idOrIdentifier)
                .or(() -> services.resourceServers().findByIdentifier(idOrIdentifier))
                .orElseThrow(() -> ManagementErrors.notFound("resource_server", "No resource"
                        + " server has id or identifier " + idOrIdentifier
                        + "; list them with GET /api/v2/resource-servers."));
    }

    private void save(ResourceServer server, Map<String, String> scopes) {
        ResourceServer withScopes = new ResourceServer(server.id(), server.identifier(),
                server.name(), server.signingAlg(), List.copyOf(scopes.keySet()),
                server.tokenLifetime(), server.allowOfflineAccess(), server.system(),
                server.createdAt(), server.updatedAt());
        services.resourceServers().save(withScopes);
        services.database().inTransaction(handle -> {
            handle.createUpdate("DELETE FROM resource_server_scope_descriptions"
                    + " WHERE resource_server_id = :id").bind("id", server.id()).execute();
            scopes.forEach((value, description) -> handle.createUpdate(
                    "INSERT INTO resource_server_scope_descriptions (resource_server_id,"
                            + " scope_value, description) VALUES (:id, :value, :description)")
                    .bind("id", server.id()).bind("value", value)
                    .bind("description", description).execute());
            return null;
        });
    }

    private Map<String, String> descriptions(ResourceServer server) {
        Map<String, String> stored = new LinkedHashMap<>();
        services.database().withHandle(handle -> handle.createQuery(
                "SELECT scope_value, description FROM resource_server_scope_descriptions"
                        + " WHERE resource_server_id = :id").bind("id", server.id())
                .map((row, context) -> Map.entry(row.getString(1), row.getString(2)))
                .list()).forEach(entry -> stored.put(entry.getKey(), entry.getValue()));
        Map<String, String> all = new LinkedHashMap<>();
        server.scopes().forEach(scope -> all.put(scope, stored.getOrDefault(scope, "")));
        return all;
    }

    private Map<String, Object> view(ResourceServer server) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", server.id());
        body.put("name", server.name());
        body.put("identifier", server.identifier());
        body.put("is_system", server.system());
        body.put("signing_alg", server.signingAlg());
        body.put("scopes", descriptions(server).entrySet().stream().map(entry -> Map.of(
                "value", entry.getKey(), "description", entry.getValue())).toList());
        body.put("token_lifetime", server.tokenLifetime());
        body.put("allow_offline_access", server.allowOfflineAccess());
        return body;
    }

    private static String alg(JsonBody body, String fallback) {
        String alg = body.string("signing_alg").orElse(fallback);
        Clients.checkOneOf("signing_alg", alg, Set.of("RS256", "ES256"));
        return alg;
    }

    private static int lifetime(JsonBody body, int fallback) {
        int lifetime = body.integer("token_lifetime").orElse(fallback);
        if (lifetime < MIN_LIFETIME || lifetime > MAX_LIFETIME) {
            throw ManagementErrors.invalidBody("token_lifetime is " + lifetime + " seconds;"
                    + " send a value from " + MIN_LIFETIME + " to " + MAX_LIFETIME + ".");
        }
        return lifetime;
    }

    private static Map<String, String> scopes(JsonBody body) {
        Map<String, String> scopes = new LinkedHashMap<>();
        for (JsonNode item : body.array("scopes").orElse(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode())) {
            JsonNode value = item.get("value");
            JsonNode description = item.get("description");
            if (!item.isObject() || value == null || !value.isTextual()
                    || value.textValue().isBlank() || value.textValue().contains(" ")
                    || (description != null && !description.isTextual())) {
                throw ManagementErrors.invalidBody("Each entry of scopes must be an object"
                        + " {\"value\":\"read:things\",\"description\":\"…\"} whose value has"
                        + " no spaces; received " + item + ".");
            }
            scopes.put(value.textValue(), description == null ? "" : description.textValue());
        }
        return scopes;
    }
}
