package dev.twofold.testing;

import dev.twofold.server.Services;
import dev.twofold.store.Client;
import dev.twofold.store.User;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fixtures of {@code CASES.md}: confidential client {@code c1}, public client {@code spa},
 * user alice, written straight into the stores of a test node.
 */
public final class Fixtures {

    public static final String REDIRECT_URI = "https://app.example.com/cb";
    public static final String ALICE = "alice@example.com";
    public static final String ALICE_PASSWORD = "Correct-Horse-9";
    public static final String MFA_OTP = "http://auth0.com/oauth/grant-type/mfa-otp";
    public static final String MFA_OOB = "http://auth0.com/oauth/grant-type/mfa-oob";
    public static final String MFA_RECOVERY = "http://auth0.com/oauth/grant-type/mfa-recovery-code";
    public static final String PASSWORD_REALM =
            "http://auth0.com/oauth/grant-type/password-realm";
    public static final Set<String> ALL_GRANTS = Set.of("authorization_code", "refresh_token",
            "password", "client_credentials", PASSWORD_REALM, MFA_OTP, MFA_OOB, MFA_RECOVERY);

    private final Services services;

    Fixtures(Services services) {
        this.services = services;
    }

    public Services services() {
        return services;
    }

    /** Confidential client {@code c1} / {@code s1-secret}, client_secret_post, every grant. */
    public Client confidentialClient() {
        return confidentialClient("c1", "s1-secret", "client_secret_post");
    }

    public Client confidentialClient(String clientId, String secret, String authMethod) {
        long now = services.clock().millis();
        Client client = new Client(clientId, "Client " + clientId, "regular_web",
                Optional.of(services.passwords().hash(secret)), authMethod, ALL_GRANTS,
                List.of(REDIRECT_URI), List.of("https://app.example.com/"),
                List.of("https://app.example.com"), Optional.empty(), true, "{}", now, now);
        services.clients().save(client);
        return client;
    }

    /** Public client {@code spa}: no secret, PKCE required. */
    public Client publicClient() {
        return publicClient("spa");
    }

    public Client publicClient(String clientId) {
        long now = services.clock().millis();
        Client client = new Client(clientId, "Public " + clientId, "native", Optional.empty(),
                "none", ALL_GRANTS, List.of(REDIRECT_URI), List.of("https://app.example.com/"),
                List.of("https://app.example.com"), Optional.empty(), true, "{}", now, now);
        services.clients().save(client);
        return client;
    }

    /** User alice@example.com / Correct-Horse-9 in the default connection. */
    public User alice() {
        return user(ALICE, ALICE_PASSWORD);
    }

    public User user(String email, String password) {
        long now = services.clock().millis();
        User user = new User("auth0|" + java.util.UUID.randomUUID().toString().replace("-", ""),
                User.DEFAULT_CONNECTION, Optional.of(email), true,
                Optional.of(services.passwords().hash(password)), Optional.of(email),
                Optional.of(email.split("@")[0]), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false, "{}", "{}", 0, Optional.empty(),
                Optional.empty(), now, now);
        if (!services.users().insert(user)) {
            throw new IllegalStateException("User " + email + " exists already");
        }
        return user;
    }

    /** Sets the tenant MFA policy: {@code never} or {@code all-applications}. */
    public void mfaPolicy(String policy) {
        services.tenantSettings().put("mfa_policy", policy);
    }
}
