package dev.twofold.management;

import java.util.List;

/**
 * Permission for a client to get client-credentials tokens for one audience with a set of
 * scopes (an Auth0 "client grant"). Immutable.
 */
record ClientGrant(String id, String clientId, String audience, List<String> scope,
                   long createdAt) {

    ClientGrant {
        scope = List.copyOf(scope);
    }
}
