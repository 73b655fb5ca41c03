package dev.twofold.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twofold.crypto.Randoms;
import dev.twofold.server.Json;
import dev.twofold.server.Services;
import dev.twofold.server.Setting;
import dev.twofold.server.Settings;
import dev.twofold.store.Client;
import dev.twofold.store.User;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates what a fresh server needs to be used at all, once: a management client (a
 * client-credentials client with a grant for every Management API scope), and in development
 * mode a demo public client, a demo confidential client and a demo user. It prints how to use
 * them; a generated secret or password is printed at creation only, and a restart prints
 * "already created" and how to rotate instead. Secrets are printed to standard output in the
 * banner, never through the logger. Runs under a lock shared by every node of the database,
 * so nodes starting together create each of these once.
 */
final class Bootstrap {

    static final String DEMO_NATIVE = "demo-native";
    static final String DEMO_CONFIDENTIAL = "demo-confidential";
    static final String DEMO_EMAIL = "demo@example.com";
    static final String DEMO_REDIRECT_URI = "http://127.0.0.1:3000/callback";
    private static final String MARKER = "bootstrap.management_client_id";
    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);

    private final Services services;
    private final Clients clients;
    private final ClientGrantStore grants;
    private final PrintStream console;
    private final StringBuilder text = new StringBuilder();
    private Optional<String> demoPassword = Optional.empty();

    Bootstrap(Services services, ClientGrantStore grants, PrintStream console) {
        this.services = services;
        this.clients = new Clients(services);
        this.grants = grants;
        this.console = console;
    }

    /** Runs at start-up; in production only when a bootstrap client id and secret are set. */
    void run() {
        Settings settings = services.settings();
        Optional<String> clientId = settings.get(Setting.BOOTSTRAP_CLIENT_ID);
        Optional<String> secret = settings.get(Setting.BOOTSTRAP_CLIENT_SECRET);
        if (!settings.isDev() && (clientId.isEmpty() || secret.isEmpty())) {
            return;
        }
        text.append("\n==================== Twofold ").append(settings.isDev()
                ? "development tenant" : "bootstrap").append(" ====================\n");
        // Nodes starting together on a fresh database: one creates, the others find it done.
        services.database().whileLocked("bootstrap", () -> {
            managementClient(clientId, secret);
            if (settings.isDev()) {
                if (settings.getBoolean(Setting.DEMO_USER)) {
                    demoUser();
                }
                demoClients();
            }
            return null;
        });
        text.append("\nDocs: docs/management.md\n")
                .append("=".repeat(72)).append('\n');
        console.print(text);
        console.flush();
    }

    private void managementClient(Optional<String> configuredId, Optional<String> secret) {
        String clientId = configuredId.orElseGet(() -> services.tenantSettings().get(MARKER)
                .orElseGet(() -> {
                    String generated = "mgmt-" + Randoms.urlSafe(12);
                    services.tenantSettings().put(MARKER, generated);
                    return generated;
                }));
        Optional<Client> existing = services.clients().find(clientId);
        Optional<String> shown = Optional.empty();
        if (existing.isEmpty()) {
            shown = createManagementClient(clientId, secret);
            LOG.info("Created the management client {}", clientId);
        }
        ensureManagementGrant(clientId);
        text.append("\nManagement API client (client_credentials, audience ")
                .append(services.managementAudience()).append(")\n")
                .append("  client_id:     ").append(clientId).append('\n');
        describeSecret(clientId, existing.isPresent(), shown, secret.isPresent());
        text.append("  Get a token:\n    curl -s ").append(services.issuer())
                .append("oauth/token -d grant_type=client_credentials \\\n")
                .append("      -d client_id=").append(clientId)
                .append(" -d client_secret=").append(shown.orElse("<secret>")).append(" \\\n")
                .append("      -d audience=").append(services.managementAudience()).append('\n')
                .append("  Then: curl -s -H 'Authorization: Bearer <access_token>' ")
                .append(services.managementAudience()).append("users\n");
    }

    private Optional<String> createManagementClient(String clientId, Optional<String> secret) {
        Clients.WithSecret created = clients.create(body("Twofold management", "non_interactive",
                List.of("client_credentials")), Optional.of(clientId));
        if (secret.isEmpty()) {
            return created.secret();
        }
        Client client = created.client();
        services.clients().save(new Client(client.clientId(), client.name(), client.appType(),
                Optional.of(services.passwords().hash(secret.get())),
                client.tokenEndpointAuthMethod(), client.grantTypes(), client.redirectUris(),
                client.logoutUrls(), client.allowedOrigins(), client.mfaPolicy(),
                client.firstParty(), client.metadataJson(), client.createdAt(),
                client.updatedAt()));
        return Optional.empty();
    }

    private void ensureManagementGrant(String clientId) {
        if (grants.find(clientId, services.managementAudience()).isEmpty()) {
            grants.insert(new ClientGrant(Randoms.id("cgr_"), clientId,
                    services.managementAudience(), ManagementScopes.ALL,
                    services.clock().millis()));
        }
    }

    private void demoClients() {
        List<String> userGrants = List.of("authorization_code", "refresh_token", "password",
                Clients.PASSWORD_REALM, Clients.MFA_OTP, Clients.MFA_OOB, Clients.MFA_RECOVERY);
        boolean nativeExists = services.clients().find(DEMO_NATIVE).isPresent();
        if (!nativeExists) {
            clients.create(body("Demo native app", "native", userGrants),
                    Optional.of(DEMO_NATIVE));
        }
        text.append("\nDemo public client (native, PKCE, no secret)\n")
                .append("  client_id:     ").append(DEMO_NATIVE)
                .append(nativeExists ? "  (already created)\n" : "\n")
                .append("  redirect URI:  ").append(DEMO_REDIRECT_URI).append('\n');
        boolean confidentialExists = services.clients().find(DEMO_CONFIDENTIAL).isPresent();
        Optional<String> secret = Optional.empty();
        if (!confidentialExists) {
            List<String> withCredentials = new java.util.ArrayList<>(userGrants);
            withCredentials.add("client_credentials");
            secret = clients.create(body("Demo confidential app", "regular_web",
                    withCredentials), Optional.of(DEMO_CONFIDENTIAL)).secret();
        }
        text.append("\nDemo confidential client (client_secret_post)\n")
                .append("  client_id:     ").append(DEMO_CONFIDENTIAL).append('\n');
        describeSecret(DEMO_CONFIDENTIAL, confidentialExists, secret, false);
        text.append("  redirect URI:  ").append(DEMO_REDIRECT_URI).append('\n')
                .append("  Log in with the password grant:\n    curl -s ")
                .append(services.issuer()).append("oauth/token -d grant_type=password \\\n")
                .append("      -d client_id=").append(DEMO_CONFIDENTIAL)
                .append(" -d client_secret=").append(secret.orElse("<secret>")).append(" \\\n")
                .append("      -d username=").append(DEMO_EMAIL)
                .append(" -d password=").append(demoPassword.orElse("<password>"))
                .append(" -d 'scope=openid offline_access'\n");
    }

    private void demoUser() {
        Optional<User> existing = services.users().findByEmail(User.DEFAULT_CONNECTION,
                DEMO_EMAIL);
        text.append("\nDemo user\n  email:         ").append(DEMO_EMAIL).append('\n');
        if (existing.isPresent()) {
            text.append("  password:      already created; the password was printed at the"
                    + " first start. Set a new one with\n                 bin/twofold user"
                    + " set-password --email ").append(DEMO_EMAIL)
                    .append(" --password <new password>\n");
            return;
        }
        String password = "Demo-" + Randoms.urlSafe(12);
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("connection", User.DEFAULT_CONNECTION).put("email", DEMO_EMAIL)
                .put("password", password).put("email_verified", true).put("name", "Demo User");
        new Users(services).create(JsonBody.of(body, Users.CREATE_FIELDS));
        text.append("  password:      ").append(password).append("  (shown once)\n");
        demoPassword = Optional.of(password);
    }

    private void describeSecret(String clientId, boolean existed, Optional<String> shown,
                                boolean configured) {
        if (shown.isPresent()) {
            text.append("  client_secret: ").append(shown.get()).append("  (shown once)\n");
        } else if (configured) {
            text.append("  client_secret: the value of TWOFOLD_BOOTSTRAP_CLIENT_SECRET\n");
        } else if (existed) {
            text.append("  client_secret: already created; it was printed at the first start"
                    + " and is stored hashed.\n                 Rotate it with: bin/twofold"
                    + " client rotate-secret --client-id ").append(clientId).append('\n');
        }
    }

    private static JsonBody body(String name, String appType, List<String> grantTypes) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("name", name)
                .put("app_type", appType);
        body.putArray("grant_types").addAll(grantTypes.stream()
                .map(Json.MAPPER.getNodeFactory()::textNode).toList());
        body.putArray("callbacks").add(DEMO_REDIRECT_URI);
        return JsonBody.of(body, Clients.FIELDS);
    }
}
