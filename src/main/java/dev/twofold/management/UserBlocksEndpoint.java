package dev.twofold.management;

import static dev.twofold.management.ManagementScopes.READ_USERS;
import static dev.twofold.management.ManagementScopes.UPDATE_USERS;

import dev.twofold.oauth.PasswordLogins;
import dev.twofold.server.Services;
import dev.twofold.store.Database;
import dev.twofold.store.User;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * Auth0's {@code /api/v2/user-blocks/{id}}: which IP addresses brute-force protection keeps
 * from logging in as a user ({@link PasswordLogins}), and lifting those blocks. A user without
 * an email address has none. Thread-safe.
 */
final class UserBlocksEndpoint {

    private final Users users;
    private final PasswordLogins logins;
    private final Database database;

    UserBlocksEndpoint(Services services, Users users) {
        this.users = users;
        this.logins = new PasswordLogins(services);
        this.database = services.database();
    }

    void register(ManagementRoutes routes) {
        routes.get("/user-blocks/{id}", READ_USERS, this::list);
        routes.delete("/user-blocks/{id}", UPDATE_USERS, this::unblock);
    }

    private void list(Context context) {
        User user = users.existing(UsersEndpoint.userId(context));
        List<Map<String, String>> blocks = user.email().map(email ->
                logins.blockedAddresses(user.connection(), email).stream()
                        .map(ip -> Map.of("identifier", email, "ip", ip,
                                "connection", user.connection()))
                        .toList())
                .orElse(List.of());
        context.json(Map.of("blocked_for", blocks));
    }

    private void unblock(Context context) {
        User user = users.existing(UsersEndpoint.userId(context));
        user.email().ifPresent(email -> database.inTransaction(handle -> {
            logins.forget(handle, user.connection(), email);
            return null;
        }));
        context.status(204);
    }
}
