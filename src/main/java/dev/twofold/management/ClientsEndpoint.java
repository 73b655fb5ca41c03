package dev.twofold.management;

import static dev.twofold.management.ManagementScopes.CREATE_CLIENTS;
import static dev.twofold.management.ManagementScopes.DELETE_CLIENTS;
import static dev.twofold.management.ManagementScopes.READ_CLIENTS;
import static dev.twofold.management.ManagementScopes.UPDATE_CLIENTS;
import static dev.twofold.management.ManagementScopes.UPDATE_CLIENT_KEYS;

import dev.twofold.store.Client;
import dev.twofold.store.ClientStore;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/** {@code /api/v2/clients}: Auth0's applications. HTTP only; the logic is in {@link Clients}. */
final class ClientsEndpoint {

    private final Clients clients;
    private final ClientStore store;

    ClientsEndpoint(Clients clients, ClientStore store) {
        this.clients = clients;
        this.store = store;
    }

    void register(ManagementRoutes routes) {
        routes.post("/clients", CREATE_CLIENTS, this::create);
        routes.get("/clients", READ_CLIENTS, this::list);
        routes.get("/clients/{id}", READ_CLIENTS, this::get);
        routes.patch("/clients/{id}", UPDATE_CLIENTS, this::update);
        routes.delete("/clients/{id}", DELETE_CLIENTS, this::delete);
        routes.post("/clients/{id}/rotate-secret", UPDATE_CLIENT_KEYS, this::rotateSecret);
    }

    private void create(Context context) {
        Clients.WithSecret created = clients.create(
                JsonBody.parse(context, Clients.FIELDS), Optional.empty());
        context.status(201).json(Clients.view(created.client(), created.secret()));
    }

    private void list(Context context) {
        Paging paging = Paging.from(context);
        List<Client> all = store.list();
        List<Object> page = paging.slice(all).stream()
                .<Object>map(client -> Clients.view(client, Optional.empty())).toList();
        context.json(paging.answer("clients", page, all.size()));
    }

    private void get(Context context) {
        context.json(Clients.view(clients.existing(context.pathParam("id")), Optional.empty()));
    }

    private void update(Context context) {
        Client current = clients.existing(context.pathParam("id"));
        Client updated = clients.update(current, JsonBody.parse(context, Clients.FIELDS));
        context.json(Clients.view(updated, Optional.empty()));
    }

    private void delete(Context context) {
        if (!store.delete(context.pathParam("id"))) {
            throw ManagementErrors.notFound("client", "No client has client_id "
                    + context.pathParam("id") + "; nothing was deleted.");
        }
        context.status(204);
    }

    private void rotateSecret(Context context) {
        Client current = clients.existing(context.pathParam("id"));
        Clients.WithSecret rotated = clients.rotateSecret(current);
        context.json(Clients.view(rotated.client(), rotated.secret()));
    }
}
