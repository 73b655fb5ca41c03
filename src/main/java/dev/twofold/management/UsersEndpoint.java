package dev.twofold.management;

import static dev.twofold.management.ManagementScopes.CREATE_USERS;
import static dev.twofold.management.ManagementScopes.DELETE_USERS;
import static dev.twofold.management.ManagementScopes.READ_USERS;
import static dev.twofold.management.ManagementScopes.UPDATE_USERS;

import dev.twofold.ops.AuditEvent;
import dev.twofold.ops.AuditType;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/v2/users} and {@code /api/v2/users-by-email}. User ids look like
 * {@code auth0|…}; the {@code |} may arrive percent-encoded ({@code %7C}). Thread-safe.
 */
final class UsersEndpoint {

    /** The searches of Auth0's query syntax that Twofold answers: by email or by user id. */
    private static final Pattern QUERY = Pattern.compile(
            "^\\s*(email|user_id):(\"([^\"]*)\"|(\\S+))\\s*$");

    private final Services services;
    private final Users users;

    UsersEndpoint(Services services, Users users) {
        this.services = services;
        this.users = users;
    }

    void register(ManagementRoutes routes) {
        routes.post("/users", CREATE_USERS, this::create);
        routes.get("/users", READ_USERS, this::list);
        routes.get("/users-by-email", READ_USERS, this::byEmail);
        routes.get("/users/{id}", READ_USERS, this::get);
        routes.patch("/users/{id}", UPDATE_USERS, this::update);
        routes.delete("/users/{id}", DELETE_USERS, this::delete);
    }

    private void create(Context context) {
        User user = users.create(JsonBody.parse(context, Users.CREATE_FIELDS));
        context.status(201).json(Users.view(user));
    }

    private void list(Context context) {
        Paging paging = Paging.from(context);
        String query = context.queryParam("q");
        if (query != null && !query.isBlank()) {
            List<User> found = search(query);
            context.json(paging.answer("users", paging.slice(found).stream()
                    .map(Users::view).toList(), found.size()));
            return;
        }
        List<User> page = services.users().list(paging.offset(), paging.perPage());
        context.json(paging.answer("users", page.stream().map(Users::view).toList(),
                services.users().count()));
    }

    private List<User> search(String query) {
        Matcher matcher = QUERY.matcher(query);
        if (!matcher.matches()) {
            throw ManagementErrors.invalidQuery("Twofold answers the searches q=email:\"…\""
                    + " and q=user_id:\"…\"; the query '" + query + "' is not one of them.");
        }
        String value = matcher.group(3) != null ? matcher.group(3) : matcher.group(4);
        if (matcher.group(1).equals("email")) {
            return users.byEmail(value);
        }
        return services.users().find(value).map(List::of).orElse(List.of());
    }

    private void byEmail(Context context) {
        String email = Optional.ofNullable(context.queryParam("email")).orElse("").trim();
        if (email.isEmpty()) {
            throw ManagementErrors.invalidQuery("Query parameter email is missing; send"
                    + " GET /api/v2/users-by-email?email=alice@example.com.");
        }
        context.json(users.byEmail(email).stream().map(Users::view).toList());
    }

    private void get(Context context) {
        context.json(Users.view(users.existing(userId(context))));
    }

    private void update(Context context) {
        User user = users.update(userId(context), JsonBody.parse(context, Users.UPDATE_FIELDS));
        context.json(Users.view(user));
    }

    private void delete(Context context) {
        String userId = userId(context);
        if (!services.users().delete(userId)) {
            throw Users.notFound(userId);
        }
        // Auth0's "du" entry stands for this request instead of the generic "sapi".
        services.auditLog().record(AuditEvent.of(AuditType.DELETED_USER).user(userId)
                .client(ManagementRoutes.clientId(context)).request(context)
                .outcomeOfRequest().build());
        context.status(204);
    }

    /** The path's user id, decoded once more if a client encoded its {@code %7C} twice. */
    static String userId(Context context) {
        String id = context.pathParam("id");
        return id.replace("%7C", "|").replace("%7c", "|");
    }
}
