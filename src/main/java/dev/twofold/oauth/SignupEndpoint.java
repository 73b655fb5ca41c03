package dev.twofold.oauth;

import dev.twofold.crypto.PasswordRules;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Params;
import dev.twofold.server.ProtocolError;
import dev.twofold.server.Services;
import dev.twofold.store.User;
import io.javalin.http.Context;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /dbconnections/signup}, shaped as Auth0's: creates a user in the database
 * connection and answers {@code {"_id","email","email_verified"}}. One account per case-folded
 * address: any other spelling of an existing address is refused as {@code invalid_signup}.
 * Thread-safe.
 */
public final class SignupEndpoint {

    /** NIST SP 800-63B §5.1.1.2: at least eight characters. */
    private static final Logger LOG = LoggerFactory.getLogger(SignupEndpoint.class);

    private final Services services;

    public SignupEndpoint(Services services) {
        this.services = services;
    }

    public void handle(Context context) {
        Params params = Params.fromBody(context).requireNoRepeats();
        checkClient(params.required("client_id"));
        String connection = connection(params);
        String email = email(params.required("email"));
        String password = password(params.required("password"));

        User user = newUser(params, connection, email, password);
        insert(user);

        context.status(200).json(answer(user));
    }

    private void checkClient(String clientId) {
        if (services.clients().find(clientId).isEmpty()) {
            throw ProtocolError.invalidRequest("Unknown client_id " + clientId
                    + "; send the client_id of a registered application.");
        }
    }

    private static String connection(Params params) {
        String connection = params.single("connection").orElse(User.DEFAULT_CONNECTION);
        if (!connection.equals(User.DEFAULT_CONNECTION)) {
            throw ProtocolError.invalidRequest("connection " + connection + " does not exist;"
                    + " the database connection is " + User.DEFAULT_CONNECTION + ".");
        }
        return connection;
    }

    private static String email(String email) {
        String trimmed = email.trim();
        int at = trimmed.indexOf('@');
        if (at <= 0 || at != trimmed.lastIndexOf('@') || at == trimmed.length() - 1
                || trimmed.chars().anyMatch(Character::isWhitespace) || trimmed.length() > 320) {
            throw ProtocolError.of(400, "invalid_signup", "email must be an address such as"
                    + " name@example.com.");
        }
        return trimmed;
    }

    private static String password(String password) {
        PasswordRules.lengthProblem(password).ifPresent(problem -> {
            throw ProtocolError.of(400, "invalid_password", problem);
        });
        return password;
    }

    // Known gap: user_metadata (a JSON object in Auth0's sign-up) is refused by Params and not
    // stored; only the flat name fields are.
    private User newUser(Params params, String connection, String email, String password) {
        long now = services.clock().millis();
        String id = HexFormat.of().formatHex(Randoms.bytes(12));
        return new User("auth0|" + id, connection, Optional.of(email), false,
                Optional.of(services.passwords().hash(password)),
                Optional.of(text(params, "name", User.MAX_NAME)
                        .orElse(User.defaultName(email))),
                Optional.of(text(params, "nickname", User.MAX_NAME)
                        .orElse(User.defaultNickname(email))),
                text(params, "given_name", User.MAX_NAME),
                text(params, "family_name", User.MAX_NAME),
                text(params, "picture", User.MAX_PICTURE), Optional.empty(), false, "{}", "{}", 0,
                Optional.empty(), Optional.empty(), now, now);
    }

    /** A profile field, refused when longer than its column (it was a database fault). */
    private static Optional<String> text(Params params, String name, int max) {
        Optional<String> value = params.single(name);
        if (value.isPresent() && value.get().length() > max) {
            throw ProtocolError.of(400, "invalid_signup", name + " has "
                    + value.get().length() + " characters; at most " + max + " are accepted.");
        }
        return value;
    }

    private void insert(User user) {
        boolean inserted;
        try {
            inserted = services.users().insert(user);
        } catch (JdbiException concurrentDuplicate) {
            // The unique (connection, email_key) index refused a simultaneous twin.
            inserted = false;
        }
        if (!inserted) {
            LOG.debug("Sign-up refused: the address is registered already");
            throw ProtocolError.of(400, "invalid_signup", "Invalid sign up: this email address"
                    + " cannot be registered. If it is yours, log in or reset the password.");
        }
    }

    private static Map<String, Object> answer(User user) {
        Map<String, Object> body = new LinkedHashMap<>();
        // Auth0 answers the id without its "auth0|" connection prefix.
        body.put("_id", user.userId().substring("auth0|".length()));
        body.put("email", user.email().orElseThrow());
        body.put("email_verified", user.emailVerified());
        user.givenName().ifPresent(value -> body.put("given_name", value));
        user.familyName().ifPresent(value -> body.put("family_name", value));
        user.name().ifPresent(value -> body.put("name", value));
        user.nickname().ifPresent(value -> body.put("nickname", value));
        user.picture().ifPresent(value -> body.put("picture", value));
        return body;
    }
}
