package dev.twofold.oauth;

import dev.twofold.server.Services;
import io.javalin.Javalin;

/** Installs the oauth feature: its components into {@link Services} and its routes. */
public final class OAuthModule {

    private OAuthModule() {
    }

    public static void install(Services services, Javalin app) {
        Audiences audiences = new Audiences(services);
        RefreshTokenStore refreshTokens = new RefreshTokenStore(services.database());
        Revocations revocations = new Revocations(services.database());
        JwtTokenIssuer issuer = new JwtTokenIssuer(services, audiences, refreshTokens);
        services.tokenIssuer(issuer);
        RefreshTokenGrant refreshGrant =
                new RefreshTokenGrant(services, refreshTokens, issuer, revocations);
        services.addGrant(new ClientCredentialsGrant(services, audiences));
        services.addGrant(PasswordGrant.password(services, audiences));
        services.addGrant(PasswordGrant.passwordRealm(services, audiences));
        services.addGrant(refreshGrant);

        ClientAuthenticator clientAuthenticator = new ClientAuthenticator(services);
        app.post("/oauth/token", new TokenEndpoint(services, clientAuthenticator)::handle);

        AccessTokenVerifier verifier = new AccessTokenVerifier(services);
        app.post("/oauth/revoke", new RevocationEndpoint(services, clientAuthenticator,
                refreshTokens, refreshGrant, revocations, verifier)::handle);
        app.post("/oauth/introspect", new IntrospectionEndpoint(services, clientAuthenticator,
                refreshTokens, verifier)::handle);
        UserinfoEndpoint userinfo = new UserinfoEndpoint(services, verifier);
        app.get("/userinfo", userinfo::handle);
        app.post("/userinfo", userinfo::handle);
        app.post("/dbconnections/signup", new SignupEndpoint(services)::handle);

        Discovery discovery = new Discovery(services);
        app.get("/.well-known/openid-configuration", discovery::configuration);
        app.get("/.well-known/oauth-authorization-server", discovery::configuration);
        app.get("/.well-known/jwks.json", discovery::jwks);
    }
}
