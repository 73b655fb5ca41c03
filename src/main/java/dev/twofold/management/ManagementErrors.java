package dev.twofold.management;

import dev.twofold.server.ProtocolError;

/**
 * Errors of the Management API. Each carries our fields ({@code error},
 * {@code error_description}) and Auth0's management fields ({@code statusCode},
 * {@code message}, {@code errorCode}), so the Auth0 SDKs and our own convention both read it.
 * Stateless.
 */
final class ManagementErrors {

    private ManagementErrors() {
    }

    /** Adds Auth0's management fields to an error unless it has them already. */
    static ProtocolError auth0Shape(ProtocolError error) {
        if (error.extraFields().containsKey("statusCode")) {
            return error;
        }
        ProtocolError shaped = error.withField("statusCode", error.status())
                .withField("message", error.description());
        if (!error.extraFields().containsKey("errorCode")) {
            shaped = shaped.withField("errorCode", error.error());
        }
        return shaped;
    }

    /** 400 {@code invalid_body}: the JSON body breaks the endpoint's schema. */
    static ProtocolError invalidBody(String description) {
        return ProtocolError.of(400, "invalid_body", description);
    }

    /** 400 {@code invalid_query_string}: a query parameter is malformed. */
    static ProtocolError invalidQuery(String description) {
        return ProtocolError.of(400, "invalid_query_string", description);
    }

    /** 404 with Auth0's {@code inexistent_…} code, e.g. {@code inexistent_user}. */
    static ProtocolError notFound(String what, String description) {
        return ProtocolError.of(404, "inexistent_" + what, description);
    }

    /** 409: a resource with the same unique value exists. */
    static ProtocolError conflict(String code, String description) {
        return ProtocolError.of(409, code, description);
    }
}
