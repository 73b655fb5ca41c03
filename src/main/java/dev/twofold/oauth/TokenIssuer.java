package dev.twofold.oauth;

import org.jdbi.v3.core.Handle;

/**
 * Issues the tokens of a finished authentication: an access token (RFC 9068 JWT), an ID token
 * when the scope has {@code openid}, and a refresh token when it has {@code offline_access}
 * and the client and audience allow it. Every grant ends here.
 */
public interface TokenIssuer {

    /** Issues a fresh set of tokens, starting a new refresh-token family. */
    TokenResponse issue(Authentication authentication);

    /**
     * The same, inside the caller's database transaction, so that what the caller spends and
     * the refresh token issued for it commit together or not at all.
     */
    TokenResponse issue(Handle handle, Authentication authentication);
}
