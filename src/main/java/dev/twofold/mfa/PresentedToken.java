package dev.twofold.mfa;

import dev.twofold.oauth.AccessTokenClaims;

/**
 * What a caller sent where the MFA API expects a credential, once recognised: the login
 * transaction of an {@code mfa_token}, or a valid access token for the MFA audience.
 */
public sealed interface PresentedToken {

    /** The user the credential speaks for. */
    String userId();

    /** The client the credential was issued to. */
    String clientId();

    /** An unexpired, unspent {@code mfa_token}. */
    record LoginToken(MfaTransaction transaction) implements PresentedToken {
        @Override
        public String userId() {
            return transaction.userId();
        }

        @Override
        public String clientId() {
            return transaction.clientId();
        }
    }

    /** An unexpired access token whose audience is the MFA API. */
    record MfaAccessToken(AccessTokenClaims claims) implements PresentedToken {
        @Override
        public String userId() {
            return claims.subject();
        }

        @Override
        public String clientId() {
            return claims.clientId();
        }

        /** Whether the login behind the token passed a second factor. */
        public boolean passedMfa() {
            return claims.amr().contains("mfa");
        }
    }
}
