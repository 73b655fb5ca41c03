package dev.twofold.oauth;

/**
 * One {@code grant_type} of the token endpoint. The endpoint has already parsed the body and
 * authenticated the client, and checked that the client may use this grant.
 */
public interface Grant {

    /** The {@code grant_type} value this grant answers, e.g. {@code password}. */
    String grantType();

    /** Runs the grant; throws {@link dev.twofold.server.ProtocolError} to refuse. */
    TokenResponse handle(TokenRequest request);
}
