package dev.twofold.oauth;

import dev.twofold.ops.AuditType;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource owner password grant (RFC 6749 §4.3) and Auth0's password-realm variant, whose
 * {@code realm} names the database connection. Users are matched by case-folded email; an
 * unknown user gets the same answer as a wrong password, and guessing is limited by
 * {@link PasswordLogins}.
 * The MFA gate then decides whether a second factor is needed. Thread-safe.
 */
public final class PasswordGrant implements Grant {

    public static final String PASSWORD_REALM =
            "http://auth0.com/oauth/grant-type/password-realm";
    private static final Logger LOG = LoggerFactory.getLogger(PasswordGrant.class);

    private final Services services;
    private final Audiences audiences;
    private final String grantType;
    private final PasswordLogins logins;

    private PasswordGrant(Services services, Audiences audiences, String grantType) {
        this.services = services;
        this.logins = new PasswordLogins(services);
        this.audiences = audiences;
        this.grantType = grantType;
    }

    /** {@code grant_type=password}: the default connection. */
    public static PasswordGrant password(Services services, Audiences audiences) {
        return new PasswordGrant(services, audiences, "password");
    }

    /** Auth0's {@code password-realm}: the connection named by {@code realm}. */
    public static PasswordGrant passwordRealm(Services services, Audiences audiences) {
        return new PasswordGrant(services, audiences, PASSWORD_REALM);
    }

    @Override
    public String grantType() {
        return grantType;
    }

    @Override
    public TokenResponse handle(TokenRequest request) {
        Params params = request.params();
        String username = params.required("username");
        String password = params.required("password");
        Optional<String> audienceId = Audiences.requested(params);
        Audience audience = audiences.resolve(audienceId);

        User user = checkPassword(connection(params), username, password,
                request.remoteAddress());

        Authentication first = new Authentication(user.userId(), request.client().clientId(),
                audienceId, Audiences.grantedUserScope(audience,
                        Audiences.parseScope(params.single("scope"))),
                List.of("pwd"), Optional.empty(), services.clock().instant(), Optional.empty());
        Authentication passed = services.mfaGate().afterFirstFactor(first, request.client(),
                params);
        services.users().recordLogin(user.userId(), services.clock().millis());
        return services.tokenIssuer().issue(passed);
    }

    private String connection(Params params) {
        if (!grantType.equals(PASSWORD_REALM)) {
            return User.DEFAULT_CONNECTION;
        }
        String realm = params.single("realm").orElse(User.DEFAULT_CONNECTION);
        // Which connections exist is no secret (Auth0 shows them on its login page), and the
        // answer comes before any user is looked up, so it reveals no user.
        if (!realm.equals(User.DEFAULT_CONNECTION)) {
            throw ProtocolError.invalidRequest("realm " + "'" + echo(realm) + "'" + " names no"
                    + " connection of this server; the only connection is "
                    + User.DEFAULT_CONNECTION + " (realm names are case-sensitive).");
        }
        return realm;
    }

    private User checkPassword(String connection, String username, String password,
                               String ip) {
        PasswordLogins.Result result = logins.verify(connection, username, password, ip);
        if (result instanceof PasswordLogins.Locked locked) {
            LOG.debug("Password grant refused: too many wrong passwords from {}", ip);
            throw PasswordLogins.lockedError(locked.until(), services.clock().instant())
                    .withAuditType(AuditType.PASSWORD_LOCKED);
        }
        if (result instanceof PasswordLogins.Refused refused) {
            LOG.debug("Password grant refused: wrong username or password");
            throw wrongPassword(refused);
        }
        User user = ((PasswordLogins.Accepted) result).user();
        if (user.blocked()) {
            LOG.debug("Password grant refused: user {} is blocked", user.userId());
            throw ProtocolError.invalidGrant("user is blocked")
                    .withAuditType(AuditType.BLOCKED_USER).withSubject(user.userId());
        }
        return user;
    }

    /** One answer whether or not the user exists; only the audit log tells them apart. */
    private static ProtocolError wrongPassword(PasswordLogins.Refused refused) {
        ProtocolError error = ProtocolError.invalidGrant("Wrong email or password.");
        return refused.userId()
                .map(userId -> error.withAuditType(AuditType.FAILED_LOGIN_PASSWORD)
                        .withSubject(userId))
                .orElseGet(() -> error.withAuditType(AuditType.FAILED_LOGIN_USERNAME));
    }

    private static String echo(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 64 ? printable : printable.substring(0, 64) + "…";
    }
}
