package dev.twofold.mfa;

import dev.twofold.oauth.ClientAuthenticator;
import dev.twofold.server.Params;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The client check of the {@code /mfa/*} endpoints. {@code client_id} and
 * {@code client_secret} are optional there (Auth0's SDKs send them inconsistently), but when
 * sent they must be right:
 *
 * <ul>
 *   <li>with a secret (in the body or as HTTP Basic) the client authenticates exactly as at
 *       the token endpoint, through {@link ClientAuthenticator}, so an unknown client and a
 *       wrong secret get the same answer after the same work;</li>
 *   <li>with a {@code client_id} alone nothing is looked up: the id only has to be the client
 *       the {@code mfa_token} was issued to, which {@link MfaTokenReader} checks, so the
 *       answer does not tell whether a client of that id exists.</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class ClientCheck {

    private final ClientAuthenticator authenticator;

    public ClientCheck(ClientAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** The client id the request speaks for, authenticated when credentials are sent. */
    public Optional<String> clientId(Context context, Params params) {
        if (sendsCredentials(context, params)) {
            return Optional.of(authenticator.authenticate(context, params).clientId());
        }
        return params.single("client_id");
    }

    private static boolean sendsCredentials(Context context, Params params) {
        String authorization = context.header("Authorization");
        boolean basic = authorization != null && authorization.length() >= 6
                && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        return basic || params.single("client_secret").isPresent();
    }
}
