package dev.twofold.management;

import dev.twofold.server.ErrorResponses;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.util.Optional;

/**
 * Registers Management API routes under {@code /api/v2}: each route names the scope it needs,
 * checks the bearer token first, and answers errors in the shape both our convention and
 * Auth0's SDKs read. Thread-safe after start-up.
 */
final class ManagementRoutes {

    static final String PREFIX = "/api/v2";
    /** The request attribute holding the client id of the verified token. */
    private static final String CLIENT = "twofold.management.client_id";

    private final Javalin app;
    private final ManagementAccess access;
    private final int maxBodyBytes;

    ManagementRoutes(Javalin app, ManagementAccess access, int maxBodyBytes) {
        this.app = app;
        this.access = access;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A handler that gets the request context once its token passed. */
    interface Endpoint {
        void handle(Context context);
    }

    void get(String path, String scope, Endpoint endpoint) {
        add(HandlerType.GET, path, scope, endpoint);
    }

    void post(String path, String scope, Endpoint endpoint) {
        add(HandlerType.POST, path, scope, endpoint);
    }

    void patch(String path, String scope, Endpoint endpoint) {
        add(HandlerType.PATCH, path, scope, endpoint);
    }

    void put(String path, String scope, Endpoint endpoint) {
        add(HandlerType.PUT, path, scope, endpoint);
    }

    void delete(String path, String scope, Endpoint endpoint) {
        add(HandlerType.DELETE, path, scope, endpoint);
    }

    private void add(HandlerType method, String path, String scope, Endpoint endpoint) {
        app.addHttpHandler(method, PREFIX + path, guarded(scope, endpoint));
    }

    private Handler guarded(String scope, Endpoint endpoint) {
        return context -> {
            try {
                context.attribute(CLIENT, access.require(context, scope).clientId());
                requireWellFormedQuery(context);
                endpoint.handle(context);
                context.header("Cache-Control", "no-store");
            } catch (ProtocolError error) {
                throw ManagementErrors.auth0Shape(error);
            } catch (HttpResponseException error) {
                throw ManagementErrors.auth0Shape(fromJavalin(error));
            }
        };
    }

    /**
     * The endpoints read their query parameters with Javalin, which is lenient: a filter such
     * as {@code q=%zz} (a broken %-escape) was ignored and every user listed, invalid UTF-8
     * became U+FFFD, and one of repeated values won. The query string is checked
     * strictly once here, as {@code /authorize} checks its own.
     */
    private static void requireWellFormedQuery(Context context) {
        try {
            Params.fromQuery(Optional.ofNullable(context.queryString()).orElse(""))
                    .requireNoRepeats();
        } catch (ProtocolError error) {
            throw ManagementErrors.invalidQuery(error.description());
        }
    }

    /** The client whose token this Management API request passed with. */
    static String clientId(Context context) {
        return context.attribute(CLIENT);
    }

    private ProtocolError fromJavalin(HttpResponseException error) {
        if (error.getStatus() == 413) {
            return ErrorResponses.bodyTooLarge(maxBodyBytes);
        }
        return ProtocolError.of(error.getStatus(), "invalid_request", error.getMessage());
    }
}
